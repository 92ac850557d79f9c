"""The executive skills assessment: 36 statements on a 6-point scale covering 12 executive
functions; the result names the 3 stronger and 3 weaker functions. It shapes plans (e.g.
reminders for a weaker working memory); it is never a clinical diagnosis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from steiger.bridge.domain.errors import InvalidAnswers, InvalidDefinition

NOT_A_DIAGNOSIS = {
    "nl": "Dit profiel is een hulpmiddel voor het gesprek over wat helpt bij het plannen, "
    "geen diagnose en geen oordeel: het zegt hoe iemand zichzelf nu ziet, en dat kan "
    "veranderen als de stress afneemt.",
    "en": "This profile is an aid for the conversation about what helps in planning, not a "
    "diagnosis and not a judgement: it says how someone sees themselves now, and that can "
    "change as stress eases.",
}


@dataclass(frozen=True)
class Function:
    id: str
    name: dict[str, str]
    statements: tuple[dict[str, str], ...]


@dataclass(frozen=True)
class ExecutiveSkillsQuestionnaire:
    id: str
    version: str
    lowest: int
    highest: int
    functions: tuple[Function, ...]

    @property
    def ref(self) -> str:
        """id@version, as an answered questionnaire is recorded."""
        return f"{self.id}@{self.version}"

    @property
    def statement_ids(self) -> list[str]:
        return [s["id"] for f in self.functions for s in f.statements]

    def check(self, answers: dict[str, int]) -> None:
        missing = [s for s in self.statement_ids if s not in answers]
        unknown = sorted(set(answers) - set(self.statement_ids))
        if missing or unknown:
            at = (missing or unknown)[0]
            raise InvalidAnswers(
                f"answer every statement once ({len(missing)} missing, {len(unknown)} unknown)",
                field=f"answers.{at}",
            )
        for statement, value in answers.items():
            if not self.lowest <= value <= self.highest:
                raise InvalidAnswers(
                    f"answers run from {self.lowest} to {self.highest}",
                    field=f"answers.{statement}",
                )

    def profile(self, answers: dict[str, int]) -> dict[str, Any]:
        self.check(answers)
        scores = {f.id: sum(answers[s["id"]] for s in f.statements) for f in self.functions}
        order = [f.id for f in self.functions]  # ties keep the questionnaire's order
        ranked = sorted(order, key=lambda f: (-scores[f], order.index(f)))
        return {
            "questionnaire": self.ref,
            "scores": scores,
            "stronger": ranked[:3],
            "weaker": list(reversed(ranked[-3:])),
            "notice": NOT_A_DIAGNOSIS,
        }

    def names(self, functions: list[str]) -> list[dict[str, Any]]:
        """The functions with their names in both languages."""
        by_id = {f.id: f.name for f in self.functions}
        return [{"function": f, "name": by_id[f]} for f in functions]

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> ExecutiveSkillsQuestionnaire:
        functions = tuple(
            Function(f["id"], f["name"], tuple(f["statements"])) for f in data["functions"]
        )
        questionnaire = cls(
            data["id"], data["version"], data["scale"]["min"], data["scale"]["max"], functions
        )
        ids = questionnaire.statement_ids
        if len(functions) != 12 or len(ids) != 36 or len(set(ids)) != 36:
            raise InvalidDefinition("the questionnaire has 12 functions of 3 unique statements")
        return questionnaire


@dataclass(frozen=True)
class Questionnaires:
    """The one answered from now on, and every one answered before (by id@version): a
    profile is always computed with the questionnaire it was answered against."""

    current: ExecutiveSkillsQuestionnaire
    known: dict[str, ExecutiveSkillsQuestionnaire]

    def answered(self, ref: str) -> ExecutiveSkillsQuestionnaire:
        found = self.known.get(ref)
        if found is None:
            raise InvalidDefinition(
                f"the questionnaire {ref} a profile was answered against is no longer loaded"
            )
        return found
