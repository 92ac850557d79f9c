"""How long a participant's file is kept after they exit a programme (a period in years per
programme, `*` for every other one), after which they are erased automatically. A file whose
processing is restricted (GDPR art. 18) is held, not erased: the restriction may be there
to keep it, for a claim."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

EVERY_PROGRAMME = "*"


@dataclass(frozen=True)
class RetentionPolicy:
    years: Mapping[str, int] = field(default_factory=lambda: {EVERY_PROGRAMME: 7})
    """Per programme; a programme without an entry (and no `*`) is kept until erased by hand."""

    def __post_init__(self) -> None:
        for programme, years in self.years.items():
            if not 1 <= years <= 100:
                raise ValueError(f"a retention period of {years} years for {programme!r}")

    def erase_on(self, programme: str, exited_on: dt.date) -> dt.date | None:
        years = self.years.get(programme, self.years.get(EVERY_PROGRAMME))
        if years is None:
            return None
        try:
            return exited_on.replace(year=exited_on.year + years)
        except ValueError:  # 29 February, in a year that has none
            return exited_on.replace(year=exited_on.year + years, day=28)
