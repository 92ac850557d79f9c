"""A participant: who they are stays here; every other service knows only the pseudonymous id.

Personal data is held sealed (encrypted with the participant's own data key, by the
application), so the aggregate, its events and any cached copy carry only ciphertext. What
is not personal — programme, municipality, neighbourhood, household — stays readable for
statistics, also after erasure.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from steiger.participant.domain.errors import (
    ConsentNotGiven,
    InvalidTransition,
    ParticipantErased,
)
from steiger.participant.domain.values import (
    Channel,
    Consent,
    ConsentPurpose,
    ContactPreferences,
    ExitReason,
    HouseholdChange,
    Status,
    StatusChange,
    TimeOfDay,
)
from steiger.shared.contracts.participant import PARTNER_CATEGORIES


class Participant(Aggregate):
    if TYPE_CHECKING:  # made by the @event decorators below (dynamic: typed Any)
        Registered: ClassVar[type[Any]]
        StoryStarted: ClassVar[type[Any]]
        StatusChanged: ClassVar[type[Any]]
        MentorAssigned: ClassVar[type[Any]]
        ConsentGranted: ClassVar[type[Any]]
        ConsentWithdrawn: ClassVar[type[Any]]
        ContactPreferencesSet: ClassVar[type[Any]]
        ContactDisclosed: ClassVar[type[Any]]
        PersonalDataRectified: ClassVar[type[Any]]
        HouseholdChanged: ClassVar[type[Any]]
        Restricted: ClassVar[type[Any]]
        RestrictionLifted: ClassVar[type[Any]]
        Erased: ClassVar[type[Any]]

    @staticmethod
    def create_id(participant_id: UUID) -> UUID:
        # chosen before the aggregate exists: the personal data is sealed to this id
        return participant_id

    @event("Registered")
    def __init__(
        self,
        participant_id: UUID,
        sealed_personal_data: str,
        programme: str,
        municipality: str,
        neighbourhood: str | None,
        target_group: str | None,
        language: str,
        adults: int,
        preschool_children: int,
        school_age_children: int,
        registered_on: dt.date,
    ) -> None:
        self.sealed_personal_data: str | None = sealed_personal_data
        self.programme = programme
        self.municipality = municipality
        self.neighbourhood = neighbourhood
        self.target_group = target_group
        self.language = language
        self.adults = adults
        self.preschool_children = preschool_children
        self.school_age_children = school_age_children
        self.registered_on = registered_on
        self.erased_on: dt.date | None = None
        self.history = [StatusChange(Status.ACTIVE, registered_on, "intake")]
        self.mentor_id: UUID | None = None
        self.team: str | None = None
        self.consents: dict[str, Consent] = {}
        self.story_ids: list[UUID] = []
        self.contact = ContactPreferences()
        self.restricted_since: dt.date | None = None

    @property
    def pseudonym(self) -> UUID:
        """The id other services know: random, so it reveals nothing about the person."""
        return self.id

    @property
    def participant_id(self) -> UUID:
        """Whom the aggregate is about (the store seals its case texts with their key)."""
        return self.id

    @property
    def cohort(self) -> str:
        return self.registered_on.strftime("%Y-%m")

    @property
    def erased(self) -> bool:
        return self.erased_on is not None

    def check_not_erased(self) -> None:
        if self.erased:
            raise ParticipantErased(f"participant {self.id} was erased on {self.erased_on}")

    @property
    def status(self) -> Status:
        return self.history[-1].status

    # rectification (GDPR art. 16) and household changes: history kept, as events

    def rectify(
        self, sealed_personal_data: str, changed: list[str], reason: str, on: dt.date
    ) -> None:
        """The personal data as corrected (sealed like at intake); `changed` names the
        fields, `reason` says why (both kept: the earlier data stays in the history)."""
        self.check_not_erased()
        self._rectified(sealed_personal_data, sorted(changed), reason, on)

    @event("PersonalDataRectified")
    def _rectified(
        self, sealed_personal_data: str, changed: list[str], reason: str, on: dt.date
    ) -> None:
        self.sealed_personal_data = sealed_personal_data

    @property
    def household(self) -> tuple[int, int, int]:
        return (self.adults, self.preschool_children, self.school_age_children)

    def change_household(
        self, household: tuple[int, int, int], change: HouseholdChange, on: dt.date
    ) -> bool:
        """A birth, someone moving in or out: the household from `on`. False when it is the
        household already (nothing recorded: a repeated request changes nothing)."""
        self.check_not_erased()
        if household == self.household:
            return False
        self._household_changed(*household, change.value, on)
        return True

    @event("HouseholdChanged")
    def _household_changed(
        self,
        adults: int,
        preschool_children: int,
        school_age_children: int,
        change: str,
        on: dt.date,
    ) -> None:
        self.adults, self.preschool_children = adults, preschool_children
        self.school_age_children = school_age_children

    # restriction of processing (GDPR art. 18)

    @property
    def restricted(self) -> bool:
        return self.restricted_since is not None

    def restrict(self, reason: str, on: dt.date) -> None:
        self.check_not_erased()
        if self.restricted:
            raise InvalidTransition(
                f"the file of {self.id} is restricted already (since {self.restricted_since})",
                field="participant_id",
            )
        self._restricted(reason, on)

    @event("Restricted")
    def _restricted(self, reason: str, on: dt.date) -> None:
        self.restricted_since = on

    def lift_restriction(self, on: dt.date) -> None:
        self.check_not_erased()
        if not self.restricted:
            raise InvalidTransition(
                f"the file of {self.id} is not restricted", field="participant_id"
            )
        self._restriction_lifted(on)

    @event("RestrictionLifted")
    def _restriction_lifted(self, on: dt.date) -> None:
        self.restricted_since = None

    # status over time: active -> paused -> active (resumed) ... -> exited

    def pause(self, on: dt.date, reason: str | None) -> None:
        self._require(Status.ACTIVE, "pause")
        self._status_changed(Status.PAUSED.value, on, reason)

    def resume(self, on: dt.date) -> None:
        self._require(Status.PAUSED, "resume")
        self._status_changed(Status.ACTIVE.value, on, "resumed")

    def exit(self, on: dt.date, reason: ExitReason) -> None:
        self.check_not_erased()
        if self.status is Status.EXITED:
            raise InvalidTransition(f"participant {self.id} has already exited", field="status")
        self._status_changed(Status.EXITED.value, on, reason.value)

    def _require(self, status: Status, change: str) -> None:
        self.check_not_erased()
        if self.status is not status:
            raise InvalidTransition(
                f"cannot {change} a participant who is {self.status}", field="status"
            )

    @event("StatusChanged")
    def _status_changed(self, status: str, on: dt.date, reason: str | None) -> None:
        self.history.append(StatusChange(Status(status), on, reason))

    # mentors

    def assign_mentor(
        self, mentor_id: UUID, team: str | None, on: dt.date, reason: str | None
    ) -> None:
        self.check_not_erased()
        if mentor_id == self.mentor_id:
            raise InvalidTransition("this mentor is already assigned", field="mentor_id")
        if self.mentor_id is not None and not reason:
            raise InvalidTransition("a transfer needs a reason", field="reason")
        self._mentor_assigned(mentor_id, self.mentor_id, on, reason, team)

    @event("MentorAssigned")
    def _mentor_assigned(
        self,
        mentor_id: UUID,
        previous_mentor_id: UUID | None,
        on: dt.date,
        reason: str | None,
        team: str | None = None,  # events recorded before teams have none
    ) -> None:
        self.mentor_id = mentor_id
        self.team = team

    # consent, per purpose (and partner)

    def grant_consent(
        self,
        purpose: ConsentPurpose,
        partner: str | None,
        categories: list[str],
        text_version: str,
        on: dt.date,
        client_reference: str | None = None,
        share_history: bool = False,
        show_name: bool = False,
    ) -> None:
        self.check_not_erased()
        if show_name and purpose is not ConsentPurpose.SUCCESS_STORY:
            raise InvalidTransition("only a success story names the participant", field="show_name")
        sharing = purpose is ConsentPurpose.PARTNER_SHARING
        if sharing != (partner is not None):
            raise InvalidTransition(
                "sharing with a partner names the partner; other purposes do not", field="partner"
            )
        if sharing and not categories:
            raise InvalidTransition("name the event categories to share", field="categories")
        unknown = sorted(set(categories) - set(PARTNER_CATEGORIES))
        if unknown:
            raise InvalidTransition(
                f"unknown categories {unknown}; known: {', '.join(PARTNER_CATEGORIES)}",
                field="categories",
            )
        if not sharing and (client_reference or share_history):
            raise InvalidTransition(
                "a client reference and shared history belong to sharing with a partner",
                field="client_reference" if client_reference else "share_history",
            )
        self._consent_granted(
            purpose.value,
            partner,
            sorted(set(categories)),
            text_version,
            on,
            client_reference,
            share_history,
            show_name,
        )

    @event("ConsentGranted")
    def _consent_granted(
        self,
        purpose: str,
        partner: str | None,
        categories: list[str],
        text_version: str,
        on: dt.date,
        client_reference: str | None = None,  # not in events recorded before 2026-12
        share_history: bool = False,
        show_name: bool = False,
    ) -> None:
        consent = Consent(
            ConsentPurpose(purpose),
            partner,
            tuple(categories),
            text_version,
            on,
            client_reference,
            share_history,
            show_name,
        )
        self.consents[consent.key] = consent

    def start_story(self, story_id: UUID) -> None:
        self.check_not_erased()
        self._story_started(story_id)

    @event("StoryStarted")
    def _story_started(self, story_id: UUID) -> None:
        self.story_ids.append(story_id)

    def consent_for(self, purpose: ConsentPurpose) -> Consent | None:
        return self.consents.get(f"{purpose}:")

    def withdraw_consent(self, purpose: ConsentPurpose, partner: str | None, on: dt.date) -> None:
        self.check_not_erased()
        if f"{purpose}:{partner or ''}" not in self.consents:
            raise ConsentNotGiven(f"no {purpose} consent for {partner or 'this purpose'}")
        self._consent_withdrawn(purpose.value, partner, on)

    @event("ConsentWithdrawn")
    def _consent_withdrawn(self, purpose: str, partner: str | None, on: dt.date) -> None:
        del self.consents[f"{purpose}:{partner or ''}"]

    # contact preferences (the addresses themselves are personal data, sealed)

    def set_contact_preferences(self, preferences: ContactPreferences) -> None:
        self.check_not_erased()
        self._contact_preferences_set(
            [c.value for c in preferences.channels],
            preferences.time_of_day.value,
            preferences.quiet_from.isoformat("minutes") if preferences.quiet_from else None,
            preferences.quiet_until.isoformat("minutes") if preferences.quiet_until else None,
            [c.value for c in preferences.opted_out],
        )

    @event("ContactPreferencesSet")
    def _contact_preferences_set(
        self,
        channels: list[str],
        time_of_day: str,
        quiet_from: str | None,
        quiet_until: str | None,
        opted_out: list[str],
    ) -> None:
        self.contact = ContactPreferences(
            tuple(Channel(c) for c in channels),
            TimeOfDay(time_of_day),
            dt.time.fromisoformat(quiet_from) if quiet_from else None,
            dt.time.fromisoformat(quiet_until) if quiet_until else None,
            tuple(Channel(c) for c in opted_out),
        )

    def disclose_contact(self, channel: Channel, to: str, purpose: str) -> None:
        """Audited: every disclosure of an address to another service is an event."""
        self.check_not_erased()
        if channel in self.contact.opted_out:
            raise InvalidTransition(f"the participant opted out of {channel}", field="channel")
        self._contact_disclosed(channel.value, to, purpose)

    @event("ContactDisclosed")
    def _contact_disclosed(self, channel: str, to: str, purpose: str) -> None:
        pass

    def erase(self, on: dt.date) -> None:
        """Records the erasure. The data itself became unreadable when its key was destroyed;
        this drops the ciphertext from the current state too."""
        self.check_not_erased()
        self._erased(on)

    @event("Erased")
    def _erased(self, on: dt.date) -> None:
        self.sealed_personal_data = None
        self.erased_on = on
