"""Hot Jobs and Smart Start Jobs: a regional job catalogue as data, classified against the
index income of one adult with a preschooler and a school-age child (seed 000, Table 2).

Hot: pays at least 100 % of that index income; at least 150 vacancies over 5 years; at most
2 years of post-secondary training, which at least 50 % of job holders have; at least 70 %
in sectors with good benefits. Smart Start: pays at least 65 %; at least 150 vacancies; at
most 2 years of training, which at least 70 % of holders have; at least 70 % with good
benefits; at least 70 % in sectors where Hot Jobs concentrate (transferable skills).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from steiger.bridge.domain.errors import InvalidDefinition

REFERENCE_HOUSEHOLD = (1, 1, 1)
"""The household Table 2 measures wages against: 1 adult, a preschooler, a school-age child."""


@dataclass(frozen=True)
class Job:
    occupation: str
    sector: str
    monthly_wage: Decimal
    vacancies_5y: int
    training_years: Decimal
    short_training_share: Decimal  # of job holders with at most 2 years post-secondary
    good_benefits_share: Decimal
    hot_sector_share: Decimal
    illustrative: tuple[str, ...] = ()

    def classify(self, index_monthly: Decimal) -> str | None:
        common = (
            self.vacancies_5y >= 150
            and self.training_years <= 2
            and self.good_benefits_share >= Decimal("0.70")
        )
        if (
            common
            and self.monthly_wage >= index_monthly
            and self.short_training_share >= Decimal("0.50")
        ):
            return "hot"
        if (
            common
            and self.monthly_wage >= index_monthly * Decimal("0.65")
            and self.short_training_share >= Decimal("0.70")
            and self.hot_sector_share >= Decimal("0.70")
        ):
            return "smart-start"
        return None


LABOUR_MARKET_CRITERIA = (
    "vacancies_5y",
    "short_training_share",
    "good_benefits_share",
    "hot_sector_share",
)
"""What a catalogue knows of an occupation and a single job cannot tell."""


def classify_own_job(
    monthly_wage: Decimal, training_years: Decimal, index_monthly: Decimal
) -> dict[str, Any]:
    """A job of the participant's own (an offer, a wish) against an index: Hot when it pays
    the index income, Smart Start when it pays 65 % of it, with at most 2 years of training
    either way. The labour-market criteria are not judged for one job: the answer names them."""
    share = (monthly_wage / index_monthly).quantize(Decimal("0.001")) if index_monthly else None
    trains = training_years <= 2
    cls = None
    if trains and monthly_wage >= index_monthly:
        cls = "hot"
    elif trains and monthly_wage >= index_monthly * Decimal("0.65"):
        cls = "smart-start"
    return {
        "class": cls,
        "share_of_index": share,
        "shortfall_monthly": max(Decimal(0), index_monthly - monthly_wage),
        "not_assessed": list(LABOUR_MARKET_CRITERIA),
    }


@dataclass(frozen=True)
class JobCatalogue:
    id: str
    version: str
    region: str
    currency: str
    source: str
    jobs: tuple[Job, ...]

    def classified(self, index_monthly: Decimal) -> list[dict[str, Any]]:
        return [
            {**vars(job), "class": job.classify(index_monthly)}
            for job in sorted(self.jobs, key=lambda j: -j.monthly_wage)
        ]

    def paths_for(self, household_index: Decimal, reference_index: Decimal) -> dict[str, Any]:
        """Jobs whose wage covers the participant's household, and the Smart Start jobs in
        the same sectors that lead there."""
        covering = [j for j in self.jobs if j.monthly_wage >= household_index]
        sectors = {j.sector for j in covering}
        smart_start = [
            j
            for j in self.jobs
            if j.classify(reference_index) == "smart-start" and j.sector in sectors
        ]
        return {
            "covering_jobs": [vars(j) for j in sorted(covering, key=lambda j: -j.monthly_wage)],
            "smart_start_paths": [vars(j) for j in smart_start],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> JobCatalogue:
        try:
            jobs = tuple(
                Job(
                    j["occupation"],
                    j["sector"],
                    Decimal(j["monthly_wage"]),
                    int(j["vacancies_5y"]),
                    Decimal(j["training_years"]),
                    Decimal(j["short_training_share"]),
                    Decimal(j["good_benefits_share"]),
                    Decimal(j["hot_sector_share"]),
                    tuple(j.get("illustrative", ())),
                )  # fmt: skip
                for j in data["jobs"]
            )
            return cls(
                data["id"], data["version"], data["region"], data["currency"], data["source"],
                jobs,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise InvalidDefinition(f"job catalogue: missing or malformed {error!r}") from error
