"""CSV as spreadsheet programs write and read it: the encodings they save in, the separator
a Dutch Excel uses, and cells a spreadsheet would run as formulas (CSV injection)."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP)."""

ENCODINGS = ("utf-8-sig", "cp1252")
"""UTF-8 (with or without Excel's byte-order mark), else Windows-1252: what Excel on a Dutch
Windows saves as "CSV (gescheiden door lijstscheidingsteken)"."""


class UnreadableText(ValueError):
    """The file is not text in UTF-8 or Windows-1252."""


def decode_text(data: bytes, charset: str | None = None) -> tuple[str, str]:
    """The text and the encoding it was read in: `charset` when the sender named one, else the
    first of `ENCODINGS` that reads every byte."""
    for encoding in (charset,) if charset else ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except LookupError:
            raise UnreadableText(f"unknown charset {charset!r}") from None
        except UnicodeDecodeError as error:
            failure = error
    raise UnreadableText(
        f"byte {failure.start} is not text in {' or '.join((charset,) if charset else ENCODINGS)};"
        " save the file as CSV UTF-8"
    )


def separator(header_line: str) -> str:
    """`;` when the header is separated by semicolons (Excel in a Dutch locale), else `,`."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def neutralised(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a leading apostrophe, as
    OWASP advises: shown as written, never evaluated. Numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:  # not subscriptable at run time before Python 3.12
    _DictWriter = csv.DictWriter


class SafeDictWriter(_DictWriter):
    """`csv.DictWriter` whose text cells are `neutralised`: every CSV Steiger writes uses it."""

    def writerow(self, rowdict: Any) -> Any:
        return super().writerow({name: neutralised(value) for name, value in rowdict.items()})

    def writerows(self, rowdicts: Any) -> None:
        for row in rowdicts:
            self.writerow(row)
