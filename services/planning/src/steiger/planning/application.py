from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.persistence import Recording

from steiger.planning.contracts import to_contract
from steiger.planning.domain.case_texts import CASE_TEXTS
from steiger.planning.domain.errors import (
    GoalNotFound,
    GroupNotFound,
    InvalidChange,
    MeetingNotFound,
    UnknownReference,
)
from steiger.planning.domain.figures import participant_figures
from steiger.planning.domain.goal import Goal
from steiger.planning.domain.group import Group, suggest
from steiger.planning.domain.meeting import Meeting
from steiger.planning.domain.meeting_times import PartOfDay, suggested_slots, timing_flags
from steiger.planning.domain.plan import Plan
from steiger.planning.domain.references import check_bridge_step, check_column, check_reward_item
from steiger.planning.policies import REACTIONS
from steiger.planning.printable import render_html, render_pdf
from steiger.shared import clock, reference
from steiger.shared.eventstore import ServiceApplication, retry_on_conflict
from steiger.shared.participants import ParticipantState, require_registered
from steiger.shared.reference import Vocabulary

DEFAULT_BRIDGE = ("nl-alphen", "2017-09-07")
"""The Bridge a goal's column refers to when none is named: the Dutch Bridge of Alphen."""


class PlanningApplication(ServiceApplication):
    name = "planning"
    translate = to_contract
    case_texts = CASE_TEXTS
    reactions = REACTIONS

    def __init__(self, env: Any = None, vocabulary: Vocabulary | None = None) -> None:
        super().__init__(env)
        self.vocabulary = vocabulary or Vocabulary.load()
        self._goals_with_open_actions: set[UUID] | None = None
        self._open_lock = threading.Lock()

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        plan = self._plan(participant_id)
        if plan is None or not plan.registered:
            return "unknown"
        return "erased" if plan.erased else "registered"

    def plan_of(self, participant_id: UUID) -> Plan:
        return self._plan(participant_id) or Plan(participant_id)

    def set_goal(
        self,
        participant_id: UUID,
        title: str,
        horizon: str,
        column: str | None,
        target_step: int | None,
        priority: int | None = None,
        **smart: Any,
    ) -> UUID:
        """`priority`: the rank of one of the participant's chosen priorities (from the
        Bridge), whose column, target step and Bridge the goal takes."""
        if priority is not None:
            chosen = self._priority(participant_id, priority, column, target_step)
            column, target_step = chosen["column"], chosen["target_step"]
            smart = {**smart, "definition_id": chosen["definition_id"],
                     "definition_version": chosen["definition_version"]}  # fmt: skip
        if column is None:  # a cross-pillar goal refers to no Bridge
            smart = {**smart, "definition_id": None, "definition_version": None}
        elif not smart.get("definition_id"):
            smart = {
                **smart,
                "definition_id": DEFAULT_BRIDGE[0],
                "definition_version": DEFAULT_BRIDGE[1],
            }
        check_bridge_step(
            self.vocabulary,
            smart.get("definition_id"),
            smart.get("definition_version"),
            column,
            target_step,
        )
        parent = smart.get("parent_goal_id")
        if parent is not None:
            parent_goal = self._goal(parent)
            if parent_goal.participant_id != participant_id or parent_goal.horizon != "long":
                raise InvalidChange(
                    "a short-term goal hangs under a long-term goal of the same participant",
                    field="parent_goal_id",
                )
        goal = Goal(participant_id, title, horizon, column, target_step, **smart)
        plan = self.plan_of(participant_id)
        plan.add_goal(goal.id, priority)
        self.save(goal, plan)
        return goal.id

    def _priority(
        self, participant_id: UUID, rank: int, column: str | None, target_step: int | None
    ) -> dict[str, Any]:
        plan = self._plan(participant_id)
        chosen = plan.priority(rank) if plan else None
        if chosen is None:
            raise UnknownReference(f"the participant chose no priority {rank}", field="priority")
        if column not in (None, chosen["column"]) or target_step not in (
            None, chosen["target_step"],
        ):  # fmt: skip
            raise UnknownReference(
                f"priority {rank} is step {chosen['target_step']} on {chosen['column']!r}",
                field="column" if column not in (None, chosen["column"]) else "target_step",
            )
        return chosen

    def priorities(self, participant_id: UUID) -> list[dict[str, Any]]:
        """The participant's chosen priorities, ranked, with the goals set from each."""
        plan = self._plan(participant_id)
        if plan is None:
            return []
        return [
            {**p, "goal_ids": plan.goals_from_priority.get(p["rank"], [])} for p in plan.priorities
        ]

    def supports(self, participant_id: UUID) -> list[dict[str, str]]:
        """What the weaker functions of the participant's latest executive-skills profile
        suggest for a plan (smaller steps, an extra reminder …); none without a profile."""
        plan = self._plan(participant_id)
        return reference.supports_for(plan.weaker_functions) if plan else []

    def goals_of(self, participant_id: UUID) -> list[dict[str, Any]]:
        plan = self._plan(participant_id)
        return [self.goal(goal_id) for goal_id in plan.goal_ids] if plan else []

    def _plan(self, participant_id: UUID) -> Plan | None:
        return self.find(Plan.create_id(participant_id), Plan)

    @retry_on_conflict
    def plan_action(
        self,
        goal_id: UUID,
        description: str,
        owner: str,
        due_on: dt.date,
        reward_item: str | None,
        partner: str | None = None,
    ) -> UUID:
        check_reward_item(self.vocabulary, reward_item)
        goal = self._goal(goal_id)
        action_id = uuid4()
        goal.plan_action(action_id, description, owner, due_on, reward_item, partner)
        self.save(goal)
        return action_id

    def recorded(self, recordings: list[Recording[UUID]], here: bool = True) -> None:
        # by any process of the service: the one that runs the detector may be another
        opened = [
            r.domain_event.originator_id
            for r in recordings
            if isinstance(r.domain_event, Goal.ActionPlanned)
        ]
        if opened:
            with self._open_lock:
                if self._goals_with_open_actions is not None:
                    self._goals_with_open_actions.update(opened)
        super().recorded(recordings, here)

    def complete_action(
        self, goal_id: UUID, action_id: UUID, completed_at: dt.datetime, by: str = "participant"
    ) -> None:
        self._change(goal_id, lambda goal: goal.complete_action(action_id, completed_at, by))

    def reschedule_action(
        self, goal_id: UUID, action_id: UUID, due_on: dt.date, reason: str
    ) -> None:
        self._change(goal_id, lambda goal: goal.reschedule_action(action_id, due_on, reason))

    def cancel_action(self, goal_id: UUID, action_id: UUID, reason: str) -> None:
        self._change(goal_id, lambda goal: goal.cancel_action(action_id, reason))

    def revise_goal(self, goal_id: UUID, changes: dict[str, Any], why: str, on: dt.date) -> None:
        if changes.get("target_step") is not None:
            goal = self._goal(goal_id)
            check_bridge_step(
                self.vocabulary,
                goal.definition_id,
                goal.definition_version,
                goal.column,
                changes["target_step"],
            )
        self._change(goal_id, lambda goal: goal.revise(changes, why, on))

    def achieve_goal(self, goal_id: UUID, on: dt.date) -> None:
        self._change(goal_id, lambda goal: goal.achieve(on))

    def discontinue_goal(
        self, goal_id: UUID, on: dt.date, reason: str, conversation: str | None
    ) -> None:
        self._change(goal_id, lambda goal: goal.discontinue(on, reason, conversation))

    def reflect(
        self, goal_id: UUID, what_worked: str, what_did_not: str, lessons: str, ready: bool
    ) -> None:
        self._change(goal_id, lambda goal: goal.reflect(what_worked, what_did_not, lessons, ready))

    def detect_missed_actions(self, today: dt.date) -> int:
        """Marks open actions whose due date has passed as missed; returns how many. Safe to
        run any number of times and after a restart: a missed action is no longer open. A
        restricted participant's actions are left as they are; so are a paused participant's,
        and an action due during a pause never counts as missed: it stays open, to be
        rescheduled when the participant is back (returning without penalty)."""
        with self._open_lock:
            if self._goals_with_open_actions is None:
                self._goals_with_open_actions = set(self.originators_of(Goal.ActionPlanned))
            goal_ids = list(self._goals_with_open_actions)
        missed = 0
        for goal_id in goal_ids:
            goal = self._goal(goal_id)
            if self.restricted(goal.participant_id):
                continue  # a frozen file is not processed (GDPR art. 18): looked at again later
            plan = self._plan(goal.participant_id)
            if plan is not None and plan.paused_on(today):
                continue  # returning without penalty: looked at again after the pause
            overdue = [
                a
                for a in goal.overdue_actions(today)
                if plan is None or not plan.paused_on(a.due_on)
            ]
            for action in overdue:
                goal.mark_missed(action.action_id, today)
            if overdue:
                self.save(goal)
                missed += len(overdue)
            if not any(a.status == "planned" for a in goal.actions.values()):
                with self._open_lock:
                    self._goals_with_open_actions.discard(goal_id)
        return missed

    # meetings

    def schedule_meeting(
        self, participant_id: UUID, at: dt.datetime, place: str | None, difficult: bool = False
    ) -> UUID:
        meeting = Meeting(participant_id, at, place, difficult)
        plan = self.plan_of(participant_id)
        plan.add_meeting(meeting.id)
        self.save(meeting, plan)
        return meeting.id

    def meeting_slots(
        self,
        participant_id: UUID,
        from_day: dt.date | None,
        today: dt.date,
        days: int,
        difficult: bool,
    ) -> dict[str, Any]:
        """Times to offer from `from_day` (never a day already begun): a difficult
        conversation in the morning, any meeting at the participant's preferred time of day
        first; none close to a meeting already planned."""
        first_day = max(from_day or today, today + dt.timedelta(days=1))
        preferred = self._preferred_part_of_day(participant_id)
        taken = [m["at"] for m in self.meetings_of(participant_id) if m["held"] is None]
        slots = suggested_slots(first_day, days, difficult, preferred, taken, clock.zone())
        return {"preferred_time_of_day": preferred, "difficult": difficult,
                "slots": [vars(s) for s in slots]}  # fmt: skip

    @retry_on_conflict
    def hold_meeting(self, meeting_id: UUID, **record: Any) -> None:
        meeting = self._meeting(meeting_id)
        meeting.hold(**record)
        self.save(meeting)

    def meeting(self, meeting_id: UUID) -> dict[str, Any]:
        meeting = self._meeting(meeting_id)
        return {
            "meeting_id": meeting.id,
            "participant_id": meeting.participant_id,
            "at": meeting.at,
            "place": meeting.place,
            "difficult": meeting.difficult,
            "timing_flags": self._timing_flags(meeting),
            "held": meeting.held,
            "crisis_share": meeting.crisis_share,
        }

    def _timing_flags(self, meeting: Meeting) -> list[str]:
        preferred = self._preferred_part_of_day(meeting.participant_id)
        return timing_flags(meeting.at, meeting.difficult, preferred, clock.zone())

    def _preferred_part_of_day(self, participant_id: UUID) -> PartOfDay | None:
        plan = self._plan(participant_id)
        return plan.preferred_time_of_day if plan else None

    def meetings_of(self, participant_id: UUID) -> list[dict[str, Any]]:
        """The participant's meetings, the latest first."""
        plan = self._plan(participant_id)
        meetings = [self.meeting(m) for m in plan.meeting_ids] if plan else []
        return sorted(meetings, key=lambda m: m["at"], reverse=True)

    def _meeting(self, meeting_id: UUID) -> Meeting:
        return self.require(meeting_id, Meeting, MeetingNotFound(f"no meeting {meeting_id}"))

    def figures(self, participant_id: UUID, today: dt.date) -> dict[str, Any]:
        plan = self._plan(participant_id)
        goals = [self._goal(g) for g in plan.goal_ids] if plan else []
        meetings = [self._meeting(m) for m in plan.meeting_ids] if plan else []
        return participant_figures(goals, meetings, today)

    @retry_on_conflict
    def _change(self, goal_id: UUID, change: Any) -> None:
        goal = self._goal(goal_id)
        change(goal)
        self.save(goal)

    def goal(self, goal_id: UUID) -> dict[str, Any]:
        goal = self._goal(goal_id)
        return {
            "goal_id": goal.id,
            "participant_id": goal.participant_id,
            "title": goal.title,
            "horizon": goal.horizon,
            "column": goal.column,
            "target_step": goal.target_step,
            "parent_goal_id": goal.parent_goal_id,
            "definition": {"id": goal.definition_id, "version": goal.definition_version},
            "smart": {
                "specific": goal.specific,
                "measure": goal.measure,
                "why": goal.why,
                "realistic_because": goal.realistic_because,
                "by_when": goal.by_when,
            },
            "supports": goal.supports,
            "challenges": goal.challenges,
            "plan_b": goal.plan_b,
            "status": goal.status,
            "closed_on": goal.closed_on,
            "discontinued": goal.discontinued,
            "revisions": goal.revisions,
            "reflections": goal.reflections,
            "actions": [
                {
                    "action_id": a.action_id,
                    "description": a.description,
                    "owner": a.owner,
                    "partner": a.partner,
                    "due_on": a.due_on,
                    "reward_item": a.reward_item,
                    "status": a.status,
                    "completed_at": a.completed_at,
                    "completed_by": a.completed_by,
                    "reschedules": a.reschedules,
                }
                for a in goal.actions.values()
            ],
        }

    def subject_access(self, participant_id: UUID) -> dict[str, Any]:
        """GDPR art. 15, this service's part: every goal with its actions, revisions and
        reflections, every meeting with its minutes, and every group joined (and left)."""
        plan = self._plan(participant_id)
        meetings = [self.meeting(m) for m in plan.meeting_ids] if plan else []
        return {
            "goals": self.goals_of(participant_id),
            "meetings": meetings,
            "groups": self._groups_of(participant_id),
        }

    def _groups_of(self, participant_id: UUID) -> list[dict[str, Any]]:
        found = []
        for group_id in self.originators_of(Group.Joined):
            membership: dict[str, Any] | None = None
            for e in self.repository.event_store.get(group_id):
                if isinstance(e, Group.Joined) and e.participant_id == participant_id:
                    membership = {"joined_at": e.timestamp, "left_at": None}
                elif (
                    isinstance(e, Group.Left) and e.participant_id == participant_id and membership
                ):
                    membership["left_at"] = e.timestamp
            if membership is not None:
                group = self._group(group_id)
                found.append({"group_id": group_id, "name": group.name, "kind": group.kind,
                              "column": group.column, **membership})  # fmt: skip
        return found

    def participant_of_goal(self, goal_id: UUID) -> UUID | None:
        goal = self.find(goal_id, Goal)
        return goal.participant_id if goal else None

    def participant_of_meeting(self, meeting_id: UUID) -> UUID | None:
        meeting = self.find(meeting_id, Meeting)
        return meeting.participant_id if meeting else None

    def _goal(self, goal_id: UUID) -> Goal:
        return self.require(goal_id, Goal, GoalNotFound(f"no goal {goal_id}"))

    def printable_plan(self, participant_id: UUID, lang: str, today: dt.date, pdf: bool) -> Any:
        plan = self._plan(participant_id)
        goals = [self._goal(g) for g in plan.goal_ids] if plan else []
        return render_pdf(goals, lang, today) if pdf else render_html(goals, lang, today)

    # groups

    def form_group(self, name: str, kind: str, column: str | None) -> UUID:
        check_column(self.vocabulary, column)
        group = Group(name, kind, column)
        self.save(group)
        return group.id

    @retry_on_conflict
    def join_group(self, group_id: UUID, participant_id: UUID) -> None:
        require_registered(self.participant_state(participant_id), participant_id)
        group = self._group(group_id)
        group.join(participant_id)
        self.save(group)

    @retry_on_conflict
    def leave_group(self, group_id: UUID, participant_id: UUID) -> None:
        group = self._group(group_id)
        group.leave(participant_id)
        self.save(group)

    def group(self, group_id: UUID) -> dict[str, Any]:
        group = self._group(group_id)
        return {"group_id": group.id, "name": group.name, "kind": group.kind,
                "column": group.column, "members": group.members}  # fmt: skip

    def group_suggestions(
        self, kind: str, among: Callable[[UUID], bool] = lambda _: True
    ) -> list[dict[str, Any]]:
        """Who works on similar active goals: same Bridge column and target step; `among`
        says whose goals count (the caller's cases)."""
        working_on: dict[tuple[str, int | None], set[UUID]] = {}
        for goal in map(self._goal, self.originators_of(Goal.Set)):
            if goal.status == "active" and goal.column is not None and among(goal.participant_id):
                working_on.setdefault((goal.column, goal.target_step), set()).add(
                    goal.participant_id
                )
        return suggest(working_on, kind)

    def _group(self, group_id: UUID) -> Group:
        return self.require(group_id, Group, GroupNotFound(f"no group {group_id}"))
