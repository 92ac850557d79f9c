from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

from steiger.rewards.contracts import to_contract
from steiger.rewards.domain.case_texts import CASE_TEXTS
from steiger.rewards.domain.errors import GroupAccountNotFound
from steiger.rewards.domain.group_account import GroupAccount
from steiger.rewards.domain.ledger import CALENDAR, ZERO, Ledger
from steiger.rewards.domain.menu import RewardsMenu
from steiger.rewards.domain.statement_texts import Language, reason_text, status_text
from steiger.rewards.policies import REACTIONS
from steiger.shared.eventstore import ServiceApplication, retry_on_conflict
from steiger.shared.participants import ParticipantState
from steiger.shared.spreadsheets import SafeDictWriter


class RewardsApplication(ServiceApplication):
    name = "rewards"
    translate = to_contract
    case_texts = CASE_TEXTS
    reactions = REACTIONS

    def __init__(self, env: dict[str, str] | None = None, menu: RewardsMenu | None = None) -> None:
        super().__init__(env)
        if menu is None:
            raise ValueError("the rewards service needs a menu")
        self.menu = menu

    @staticmethod
    def noon_of(day: dt.date) -> dt.datetime:
        """A moment for an event that only has a date: midday where the participant lives."""
        return dt.datetime.combine(day, dt.time(12), CALENDAR)

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        """Registered once the intake reached the ledger; erased once the erasure did (the
        ledger stays as it is: its figures stay, pseudonymous, its texts are sealed)."""
        if self.erased(participant_id):
            return "erased"
        ledger = self.find(Ledger.create_id(participant_id), Ledger)
        return "registered" if ledger and ledger.enrolled_on else "unknown"

    def ledger_for(self, participant_id: UUID) -> Ledger:
        return self.find(Ledger.create_id(participant_id), Ledger) or Ledger(participant_id)

    def rewards(self, participant_id: UUID) -> dict[str, Any]:
        ledger = self.ledger_for(participant_id)
        return {
            "participant_id": participant_id,
            "currency": self.menu.currency,
            "balance": ledger.balance,
            "outstanding": ledger.outstanding,
            "earned": [vars(e) for e in ledger.earned.values()],
            "withheld": [vars(w) for w in ledger.withheld],
            "group_account_id": ledger.group_account_id,
        }

    @retry_on_conflict
    def issue(
        self, participant_id: UUID, reward_id: UUID, reference: str, by: str, at: dt.datetime
    ) -> None:
        ledger = self.ledger_for(participant_id)
        ledger.issue(reward_id, reference, by, at)
        self.save(ledger)

    @retry_on_conflict
    def reverse(
        self, participant_id: UUID, reward_id: UUID, reason: str, by: str, at: dt.datetime
    ) -> None:
        ledger = self.ledger_for(participant_id)
        ledger.reverse(reward_id, reason, by, at)
        self.save(ledger)

    def subject_access(self, participant_id: UUID) -> dict[str, Any]:
        """GDPR art. 15, this service's part: the ledger (earned, withheld, issued and
        reversed, with references and reasons) and the statement of every year in it."""
        ledger = self.ledger_for(participant_id)
        years = {e.year for e in ledger.earned.values()}
        years |= {w.at.astimezone(CALENDAR).year for w in ledger.withheld}
        return {
            "rewards": self.rewards(participant_id),
            "statements": [self.statement(participant_id, year) for year in sorted(years)],
        }

    def statement(
        self, participant_id: UUID, year: int, language: Language = "nl"
    ) -> dict[str, Any]:
        """The yearly statement, for benefit and tax administration: every reward earned in
        the year and every one withheld, with why; labels, statuses and reasons in
        `language`."""
        ledger = self.ledger_for(participant_id)
        earned = [
            self._statement_line(
                e.earned_at,
                e.item_id,
                e.amount,
                "reversed" if e.reversed else "issued" if e.issued else "earned",
                language,
                reward_id=e.reward_id,
                reference=str((e.issued or {}).get("reference", "")),
            )
            for e in ledger.earned.values()
            if e.year == year
        ]
        withheld = [
            self._statement_line(
                w.at,
                w.item_id,
                w.amount,
                "withheld",
                language,
                reason=reason_text(w.why, w.reason, language),
            )  # fmt: skip
            for w in ledger.withheld
            if w.at.astimezone(CALENDAR).year == year
        ]
        lines = sorted(earned + withheld, key=lambda line: line["at"])
        for line in lines:
            del line["at"]
        return {
            "participant_id": participant_id,
            "year": year,
            "language": language,
            "currency": self.menu.currency,
            "lines": lines,
            "total": _sum(lines, "earned", "issued"),
            "issued": _sum(lines, "issued"),
            "withheld": _sum(lines, "withheld"),
        }

    def _statement_line(
        self,
        at: dt.datetime,
        item_id: str,
        amount: Decimal,
        status: str,
        language: Language,
        reward_id: UUID | str = "",
        reference: str = "",
        reason: str = "",
    ) -> dict[str, Any]:
        item = self.menu.items.get(item_id)
        return {
            "at": at,
            "date": at.astimezone(CALENDAR).date(),
            "reward_id": reward_id,
            "item_id": item_id,
            "label": item.label.get(language, item.label["nl"]) if item else item_id,
            "kind": item.kind if item else "",
            "amount": amount,
            "status": status,
            "status_text": status_text(status, language),
            "reference": reference,
            "reason": reason,
        }

    def statement_csv(self, participant_id: UUID, year: int, language: Language = "nl") -> str:
        statement = self.statement(participant_id, year, language)
        out = io.StringIO()
        columns = ["date", "reward_id", "item_id", "label", "kind", "amount", "status"]
        columns += ["status_text"]
        columns += ["reference", "reason"]
        writer = SafeDictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(statement["lines"])
        writer.writerow({"date": "total", "amount": statement["total"]})
        writer.writerow({"date": "withheld", "amount": statement["withheld"]})
        return out.getvalue()

    # group accounts

    def open_group_account(self, name: str) -> UUID:
        account = GroupAccount(name, self.menu.currency)
        self.save(account)
        return account.id

    @retry_on_conflict
    def join_group_account(self, account_id: UUID, participant_id: UUID) -> None:
        account = self.group_account(account_id)
        ledger = self.ledger_for(participant_id)
        account.add_member(participant_id)
        ledger.join_group_account(account_id)
        self.save(account, ledger)

    @retry_on_conflict
    def propose_spending(self, account_id: UUID, amount: Decimal, purpose: str) -> UUID:
        account = self.group_account(account_id)
        proposal_id = account.propose(amount, purpose, dt.datetime.now(dt.UTC))
        self.save(account)
        return proposal_id

    @retry_on_conflict
    def approve_spending(self, account_id: UUID, proposal_id: UUID, by: str) -> None:
        account = self.group_account(account_id)
        account.approve(proposal_id, by, dt.datetime.now(dt.UTC))
        self.save(account)

    def group_account_view(self, account_id: UUID) -> dict[str, Any]:
        account = self.group_account(account_id)
        return {
            "account_id": account.id,
            "name": account.name,
            "currency": account.currency,
            "balance": account.balance,
            "members": account.members,
            "proposals": list(account.proposals.values()),
        }

    def group_account(self, account_id: UUID) -> GroupAccount:
        missing = GroupAccountNotFound(f"no group account {account_id}")
        return self.require(account_id, GroupAccount, missing)

    # anniversaries and figures: over every ledger

    def award_anniversaries(self, today: dt.date) -> int:
        """Earns each anniversary item once, when its years have passed since enrolment."""
        awarded = 0
        for ledger in self._ledgers():
            if self.restricted(ledger.participant_id):
                continue  # a frozen file is not processed (GDPR art. 18): awarded once lifted
            due = ledger.anniversaries_due(self.menu.anniversaries(), today)
            if not due:
                continue
            at = self.noon_of(today)
            for item in due:
                menu = self.menu
                ledger.earn(item, menu.ref, menu.currency, f"anniversary:{item.id}", at,
                            menu.annual_cap)  # fmt: skip
            self.save(ledger)
            awarded += len(due)
        return awarded

    def figures(self, year: int, among: Callable[[UUID], bool] = lambda _: True) -> dict[str, Any]:
        """Earned, issued and withheld per month, programme and column; of the participants
        `among` admits (a team lead's teams')."""
        rows: dict[tuple[str, str, str], dict[str, Decimal]] = {}

        def add(month: str, programme: str, column: str, measure: str, amount: Decimal) -> None:
            row = rows.setdefault(
                (month, programme, column),
                {"earned": ZERO, "issued": ZERO, "withheld": ZERO},
            )
            row[measure] += amount

        for ledger in self._ledgers():
            if not among(ledger.participant_id):
                continue
            programme = ledger.programme or "unknown"
            for e in ledger.earned.values():
                when = e.earned_at.astimezone(CALENDAR)
                if when.year != year or e.reversed:
                    continue
                add(f"{when:%Y-%m}", programme, e.column or "cross-pillar", "earned", e.amount)
                if e.issued:
                    add(f"{when:%Y-%m}", programme, e.column or "cross-pillar", "issued", e.amount)
            for w in ledger.withheld:
                when = w.at.astimezone(CALENDAR)
                item = self.menu.items.get(w.item_id)
                column = (item.column if item else None) or "cross-pillar"
                if when.year == year:
                    add(f"{when:%Y-%m}", programme, column, "withheld", w.amount)
        return {
            "year": year,
            "currency": self.menu.currency,
            "rows": [
                {"month": m, "programme": p, "column": c, **values}
                for (m, p, c), values in sorted(rows.items())
            ],
        }

    def _ledgers(self) -> list[Ledger]:
        return [self.repository.get(i) for i in self.originators_of(Ledger.Opened)]


def _sum(lines: list[dict[str, Any]], *statuses: str) -> Decimal:
    return sum((line["amount"] for line in lines if line["status"] in statuses), ZERO)
