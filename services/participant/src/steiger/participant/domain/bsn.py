"""The citizen service number (BSN): checked with the eleven-test, never shown back in full."""

from __future__ import annotations

from steiger.participant.domain.errors import InvalidBsn

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def check_bsn(value: str) -> str:
    """The BSN as nine digits, or InvalidBsn. Eight digits get their leading zero back."""
    digits = value.strip().replace(".", "").replace(" ", "")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or not digits.isdigit():
        raise InvalidBsn("a BSN has nine digits", field="bsn")
    if digits == "000000000" or sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11:
        raise InvalidBsn(
            "this number fails the eleven-test; check it for a typing error", field="bsn"
        )
    return digits


def mask_bsn(bsn: str) -> str:
    """Enough to recognise it, too little to use it."""
    return "*" * 6 + bsn[-3:]
