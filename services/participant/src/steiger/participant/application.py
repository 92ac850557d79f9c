from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from uuid import UUID, uuid4

import structlog
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import Recording

from steiger.participant.contracts import to_contract
from steiger.participant.domain.bsn import check_bsn, mask_bsn
from steiger.participant.domain.case_texts import CASE_TEXTS
from steiger.participant.domain.errors import (
    DuplicateParticipant,
    MentorExists,
    MentorNotFound,
    ParticipantErased,
    ParticipantNotFound,
    StoryNotFound,
)
from steiger.participant.domain.mentor import Mentor
from steiger.participant.domain.participant import Participant
from steiger.participant.domain.personal_data import PersonalData
from steiger.participant.domain.retention import RetentionPolicy
from steiger.participant.domain.story import Story
from steiger.participant.domain.values import (
    Channel,
    ConsentPurpose,
    ContactPreferences,
    ExitReason,
    HouseholdChange,
    Status,
)
from steiger.participant.projections import SearchIndex, StatusIndex, TeamIndex
from steiger.shared.access import Case
from steiger.shared.eventstore import ServiceApplication, retry_on_conflict
from steiger.shared.participants import ParticipantState
from steiger.shared.tracing import current_actor

log = structlog.get_logger("retention")
RETENTION_ACTOR: dict[str, object] = {
    "subject": "retention-rule",
    "roles": [],
    "client": "steiger-participant",
    "on_behalf_of": None,
    "purpose": "retention",
}
"""Who erased a file whose retention period ended, when no request asked for it."""


_NAMES_CHANGED = (Participant.Registered, Participant.PersonalDataRectified, Participant.Erased)
"""The events after which the search index looks at the participant again."""


class ParticipantApplication(ServiceApplication):
    name = "participant"
    translate = to_contract
    case_texts = CASE_TEXTS

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        peer_urls: Mapping[str, str] | None = None,
        retention: RetentionPolicy | None = None,
    ) -> None:
        super().__init__(env)
        self.peer_urls = dict(peer_urls or {})
        """Where the other services answer about a participant (subject access)."""
        self.retention = retention or RetentionPolicy()
        self.vault = self.sealer.vault
        self.keys = self.sealer.keys
        self.search_index = SearchIndex(self._every_participant)
        self.team_index = TeamIndex(self._every_mentor)
        self.status_index = StatusIndex(self._every_status)

    def register(
        self,
        personal: PersonalData,
        *,
        programme: str,
        municipality: str,
        neighbourhood: str | None,
        target_group: str | None,
        language: str,
        household: Mapping[str, int],
        registered_on: dt.date,
        mentor_id: UUID | None = None,
    ) -> UUID:
        """A participant's intake; `mentor_id` names the mentor doing the intake, who takes
        them on in the same transaction (if registered as a mentor)."""
        mentor = self.find(mentor_id, Mentor) if mentor_id else None
        if personal.bsn is not None:
            personal = PersonalData.from_dict(
                {**personal.to_dict(), "bsn": check_bsn(personal.bsn)}
            )
        participant_id = uuid4()
        data_key = self.vault.new_data_key()
        self._reserve(participant_id, self.vault.wrap(participant_id, data_key), personal)
        try:
            participant = Participant(
                participant_id,
                self.vault.seal(participant_id, data_key, personal.to_dict()),
                programme,
                municipality,
                neighbourhood,
                target_group,
                language,
                household["adults"],
                household["preschool_children"],
                household["school_age_children"],
                registered_on,
            )
            if mentor is None:
                self.save(participant)
            else:
                participant.assign_mentor(mentor.id, mentor.team, registered_on, None)
                mentor.take_on(participant_id)
                self.save(participant, mentor)
        except BaseException:
            self.keys.destroy(participant_id)
            raise
        self.search_index.add(participant_id, personal)
        return participant_id

    def _reserve(self, participant_id: UUID, wrapped_key: bytes, personal: PersonalData) -> None:
        identifiers = {
            kind: self.vault.blind_index(kind, value)
            for kind, value in (("external_id", personal.external_id), ("bsn", personal.bsn))
            if value is not None
        }
        while taken := self.keys.reserve(participant_id, wrapped_key, identifiers):
            kind, holder = taken
            if self._exists(holder):
                raise DuplicateParticipant(holder, on=kind)
            self.keys.destroy(holder)  # left by a registration that never completed

    def _exists(self, participant_id: UUID) -> bool:
        return self.find(participant_id, Participant) is not None

    def erase(self, participant_id: UUID, on: dt.date) -> None:
        """GDPR art. 17. The key goes first: from then on the personal data is unreadable
        everywhere, even if recording the erasure below fails and is retried."""
        participant = self._get(participant_id)
        participant.check_not_erased()
        self.forget(participant_id)
        self.search_index.remove(participant_id)
        participant.erase(on)
        self.save(participant)

    # retention: erased automatically a period after exit

    def retention_due(self, today: dt.date) -> list[dict[str, Any]]:
        """Everyone whose retention period after exit has ended by `today` and who is not
        erased yet; those whose file is restricted are listed as held."""
        due = []
        for participant_id in self.originators_of(Participant.Registered):
            p = self._get(participant_id)
            if p.erased or p.status is not Status.EXITED:
                continue
            erase_on = self.retention.erase_on(p.programme, p.history[-1].on)
            if erase_on is not None and erase_on <= today:
                due.append(
                    {
                        "participant_id": participant_id,
                        "programme": p.programme,
                        "exited_on": p.history[-1].on,
                        "erase_on": erase_on,
                        "held": "restricted" if p.restricted else None,
                    }
                )
        return due

    def apply_retention(self, today: dt.date) -> list[dict[str, Any]]:
        """Erases everyone `retention_due` lists but the held; returns whom it erased. The
        erasures name their actor: the request that asked, else the retention rule."""
        erased = []
        rule = None if current_actor.get() else current_actor.set(RETENTION_ACTOR)
        try:
            for due in self.retention_due(today):
                if due["held"] is not None:
                    continue
                try:
                    self.erase(due["participant_id"], today)
                except ParticipantErased:
                    continue  # erased meanwhile (by hand, or a run beside this one)
                erased.append(due)
        finally:
            if rule is not None:
                current_actor.reset(rule)
        if erased:
            log.info(
                "retention: erased",
                count=len(erased),
                participants=[str(d["participant_id"]) for d in erased],
            )
        return erased

    def participant_state(self, participant_id: UUID) -> ParticipantState:
        found = self.find(participant_id, Participant)
        if found is None:
            return "unknown"
        return "erased" if found.erased else "registered"

    def case_of(self, participant_id: UUID) -> Case | None:
        found = self.find(participant_id, Participant)
        return Case(found.mentor_id, found.team) if found and found.mentor_id else None

    def restricted(self, participant_id: UUID) -> bool:
        found = self.find(participant_id, Participant)
        return found is not None and found.restricted

    # restriction of processing (GDPR art. 18)

    def restrict(self, participant_id: UUID, reason: str, on: dt.date) -> None:
        """Freezes the file: published, so every service stops processing it."""
        self._change(participant_id, lambda p: p.restrict(reason, on))

    def lift_restriction(self, participant_id: UUID, on: dt.date) -> None:
        self._change(participant_id, lambda p: p.lift_restriction(on))

    def participant(self, participant_id: UUID) -> dict[str, Any]:
        p = self._get(participant_id)
        personal = self._open(p)
        return {
            "participant_id": p.pseudonym,
            "name": personal.name,
            "birth_year": personal.birth_year,
            "phone": personal.phone,
            "email": personal.email,
            "address": personal.address,
            "bsn": mask_bsn(personal.bsn) if personal.bsn else None,
            "external_id": personal.external_id,
            "language": p.language,
            "programme": p.programme,
            "municipality": p.municipality,
            "neighbourhood": p.neighbourhood,
            "target_group": p.target_group,
            "cohort": p.cohort,
            "household": {
                "adults": p.adults,
                "preschool_children": p.preschool_children,
                "school_age_children": p.school_age_children,
            },
        }

    def _get(self, participant_id: UUID) -> Participant:
        missing = ParticipantNotFound(f"no participant {participant_id}")
        return self.require(participant_id, Participant, missing)

    def _open(self, participant: Participant, sealed: str | None = None) -> PersonalData:
        """The personal data (as recorded now, or as `sealed` in an earlier event)."""
        sealed = sealed or participant.sealed_personal_data
        if sealed is None:
            raise ParticipantErased(f"the personal data of {participant.id} was destroyed")
        data = self.vault.open(participant.id, self._data_key(participant), sealed)
        return PersonalData.from_dict(data)

    def _data_key(self, participant: Participant) -> bytes:
        participant.check_not_erased()
        wrapped = self.keys.get_key(participant.id)
        if wrapped is None:
            raise ParticipantErased(f"the personal data of {participant.id} was destroyed")
        try:
            return self.vault.unwrap(participant.id, wrapped)
        except InvalidTag:
            raise RuntimeError("the master key does not open this participant's key") from None

    # rectification (GDPR art. 16) and household changes

    @retry_on_conflict
    def rectify(
        self, participant_id: UUID, changes: Mapping[str, Any], reason: str, on: dt.date
    ) -> list[str]:
        """Corrects the personal data; returns the fields that changed (none: nothing is
        recorded). A corrected BSN or external id is claimed, and the old one released, as
        at intake: one that another participant holds answers 409 naming them."""
        participant = self._get(participant_id)
        current = self._open(participant)
        merged = {**current.to_dict(), **changes}
        if merged.get("bsn") is not None:
            merged["bsn"] = check_bsn(merged["bsn"])
        corrected = PersonalData.from_dict(merged)
        changed = [f for f in changes if getattr(corrected, f) != getattr(current, f)]
        if not changed:
            return []
        released = self._rebind(participant_id, corrected, current, changed)
        try:
            sealed = self.vault.seal(
                participant_id, self._data_key(participant), corrected.to_dict()
            )
            participant.rectify(sealed, changed, reason, on)
            self.save(participant)
        except BaseException:
            self._rebind(participant_id, current, corrected, released)  # as it was
            raise
        self.search_index.remove(participant_id)
        self.search_index.add(participant_id, corrected)
        return sorted(changed)

    def _rebind(
        self, participant_id: UUID, to: PersonalData, was: PersonalData, changed: list[str]
    ) -> list[str]:
        """Claims the identifiers among `changed` as they are in `to`; returns the kinds it
        moved. A taken one moves none (the ones moved before it are moved back)."""
        moved: list[str] = []
        for kind in ("bsn", "external_id"):
            if kind not in changed:
                continue
            value = getattr(to, kind)
            digest = self.vault.blind_index(kind, value) if value is not None else None
            holder = self.keys.rebind(participant_id, kind, digest)
            if holder is not None:
                if moved:
                    self._rebind(participant_id, was, to, moved)
                raise DuplicateParticipant(holder, on=kind)
            moved.append(kind)
        return moved

    def change_household(
        self,
        participant_id: UUID,
        household: Mapping[str, int],
        change: HouseholdChange,
        on: dt.date,
    ) -> None:
        """From `on` the household is this one (published: the bridge service computes the
        Economic Independence Index for it). The same household again records nothing."""
        composition = (
            household["adults"], household["preschool_children"], household["school_age_children"]
        )  # fmt: skip
        self._change(participant_id, lambda p: p.change_household(composition, change, on))

    # status over time

    def pause(self, participant_id: UUID, on: dt.date, reason: str | None) -> None:
        self._change(participant_id, lambda p: p.pause(on, reason))

    def resume(self, participant_id: UUID, on: dt.date) -> None:
        self._change(participant_id, lambda p: p.resume(on))

    def exit(self, participant_id: UUID, on: dt.date, reason: ExitReason) -> None:
        self._change(participant_id, lambda p: p.exit(on, reason))

    def history(self, participant_id: UUID) -> list[dict[str, Any]]:
        p = self._get(participant_id)
        p.check_not_erased()
        return [{"status": c.status, "on": c.on, "reason": c.reason} for c in p.history]

    # mentors

    def register_mentor(
        self, name: str, organisation: str | None, team: str | None, mentor_id: UUID | None
    ) -> UUID:
        """A mentor; `mentor_id` is their user id at the issuer (their tokens' subject)."""
        mentor_id = mentor_id or uuid4()
        if self.find(mentor_id, Mentor) is not None:
            raise MentorExists(f"mentor {mentor_id} is registered already", field="mentor_id")
        mentor = Mentor(mentor_id, name, organisation, team)
        self.save(mentor)
        return mentor.id

    def mentor_team(self, mentor_id: UUID) -> str | None:
        return self._mentor(mentor_id).team

    def team(self, team: str) -> list[dict[str, Any]]:
        """The team's mentors, each with the size of their caseload, by name."""
        mentors = [self._mentor(mentor_id) for mentor_id in self.team_index.mentors(team)]
        return sorted(
            ({"mentor_id": m.id, "name": m.name, "participants": len(m.caseload)} for m in mentors),
            key=lambda m: (str(m["name"]).casefold(), str(m["mentor_id"])),
        )

    def team_caseload(self, team: str) -> list[dict[str, Any]]:
        """Every participant on the caseload of a mentor of the team, from the indexes (no
        participant is read from the store or decrypted for it)."""
        rows = []
        for mentor_id in self.team_index.mentors(team):
            for participant_id in self._mentor(mentor_id).caseload:
                name = self.search_index.name_of(participant_id)
                status = self.status_index.status_of(participant_id)
                if name is None or status is None:
                    continue  # erased
                rows.append(
                    {"participant_id": participant_id, "name": name, "status": status,
                     "mentor_id": mentor_id}
                )  # fmt: skip
        return sorted(rows, key=lambda r: (str(r["name"]).casefold(), str(r["participant_id"])))

    def _every_status(self) -> list[tuple[UUID, str]]:
        found = []
        for participant_id in self.originators_of(Participant.Registered):
            p = self._get(participant_id)
            if not p.erased:
                found.append((p.id, str(p.status)))
        return found

    def _every_mentor(self) -> list[tuple[UUID, str | None]]:
        return [(m, self._mentor(m).team) for m in self.originators_of(Mentor.Registered)]

    def assign_mentor(
        self, participant_id: UUID, mentor_id: UUID, on: dt.date, reason: str | None
    ) -> None:
        participant = self._get(participant_id)
        mentor = self._mentor(mentor_id)
        previous = self._mentor(participant.mentor_id) if participant.mentor_id else None
        participant.assign_mentor(mentor_id, mentor.team, on, reason)
        mentor.take_on(participant_id)
        if previous is not None:
            previous.hand_over(participant_id)
            self.save(participant, mentor, previous)  # one transaction: caseloads stay true
        else:
            self.save(participant, mentor)

    def caseload(self, mentor_id: UUID) -> dict[str, Any]:
        mentor = self._mentor(mentor_id)
        participants = []
        for participant_id in mentor.caseload:
            p = self._get(participant_id)
            if p.erased:
                continue
            participants.append(
                {"participant_id": participant_id, "name": self._open(p).name, "status": p.status}
            )
        return {"mentor_id": mentor.id, "name": mentor.name, "participants": participants}

    def _mentor(self, mentor_id: UUID) -> Mentor:
        missing = MentorNotFound(f"no mentor {mentor_id}", field="mentor_id")
        return self.require(mentor_id, Mentor, missing)

    # consent

    def grant_consent(
        self,
        participant_id: UUID,
        purpose: ConsentPurpose,
        partner: str | None,
        categories: list[str],
        text_version: str,
        on: dt.date,
        client_reference: str | None = None,
        share_history: bool = False,
        show_name: bool = False,
    ) -> None:
        self._change(
            participant_id,
            lambda p: p.grant_consent(
                purpose, partner, categories, text_version, on, client_reference, share_history,
                show_name,
            ),
        )  # fmt: skip

    def withdraw_consent(
        self, participant_id: UUID, purpose: ConsentPurpose, partner: str | None, on: dt.date
    ) -> None:
        """Withdrawing the success-story consent takes the participant's stories down, in the
        same transaction."""
        participant = self._get(participant_id)
        participant.withdraw_consent(purpose, partner, on)
        stories = []
        if purpose is ConsentPurpose.SUCCESS_STORY:
            stories = [self._story(participant_id, s) for s in participant.story_ids]
            for story in stories:
                story.unpublish("success-story consent withdrawn", dt.datetime.now(dt.UTC))
        self.save(participant, *stories)

    # success stories

    def write_story(
        self, participant_id: UUID, title: str, text: str, language: str, at: dt.datetime
    ) -> UUID:
        participant = self._get(participant_id)
        story = Story(participant_id, title, text, language, at)
        participant.start_story(story.id)
        self.save(participant, story)
        return story.id

    def revise_story(
        self, participant_id: UUID, story_id: UUID, title: str, text: str, at: dt.datetime
    ) -> None:
        self._change_story(participant_id, story_id, lambda s: s.revise(title, text, at))

    def approve_story(
        self, participant_id: UUID, story_id: UUID, revision: int, at: dt.datetime
    ) -> None:
        self._change_story(participant_id, story_id, lambda s: s.approve(revision, at))

    def publish_story(self, participant_id: UUID, story_id: UUID, at: dt.datetime) -> None:
        consent = self._get(participant_id).consent_for(ConsentPurpose.SUCCESS_STORY)
        show_name = consent is not None and consent.show_name
        self._change_story(
            participant_id, story_id, lambda s: s.publish(consent is not None, show_name, at)
        )

    def unpublish_story(self, participant_id: UUID, story_id: UUID, at: dt.datetime) -> None:
        self._change_story(participant_id, story_id, lambda s: s.unpublish("taken down", at))

    def stories(self, participant_id: UUID) -> list[dict[str, Any]]:
        participant = self._get(participant_id)
        participant.check_not_erased()
        return [self._story_view(self._story(participant_id, s)) for s in participant.story_ids]

    def published_stories(self) -> list[dict[str, Any]]:
        """For the hallway screen: every published story of a participant not erased whose
        consent stands, the newest first; named only where the consent includes the name."""
        shown = []
        for story_id in self.originators_of(Story.Published):
            story = self.find(story_id, Story)
            if story is None or story.published is None:
                continue
            participant = self._get(story.participant_id)
            if participant.erased:
                continue
            if participant.consent_for(ConsentPurpose.SUCCESS_STORY) is None:
                continue  # withdrawn: taken down with it (this guards the moment between)
            name = self._open(participant).name if story.published["show_name"] else None
            shown.append({"story_id": story.id, "title": story.title, "text": story.text,
                          "language": story.language, "name": name,
                          "published_at": story.published["at"]})  # fmt: skip
        return sorted(shown, key=lambda s: s["published_at"], reverse=True)

    def _story(self, participant_id: UUID, story_id: UUID) -> Story:
        missing = StoryNotFound(f"no story {story_id} of participant {participant_id}")
        story = self.require(story_id, Story, missing)
        if story.participant_id != participant_id:
            raise missing
        return story

    def _change_story(self, participant_id: UUID, story_id: UUID, change: Any) -> None:
        self._get(participant_id).check_not_erased()
        story = self._story(participant_id, story_id)
        change(story)
        self.save(story)

    @staticmethod
    def _story_view(story: Story) -> dict[str, Any]:
        approved = story.approved is not None and story.approved["revision"] == story.revision
        return {"story_id": story.id, "title": story.title, "text": story.text,
                "language": story.language, "revision": story.revision,
                "approved": approved, "published": story.published is not None,
                "written_at": story.written_at, "changed_at": story.changed_at}  # fmt: skip

    def consents(self, participant_id: UUID) -> list[dict[str, Any]]:
        p = self._get(participant_id)
        p.check_not_erased()
        return [vars(c) for c in p.consents.values()]

    # contact

    def contact_preferences(self, participant_id: UUID) -> dict[str, Any]:
        p = self._get(participant_id)
        p.check_not_erased()
        return vars(p.contact)

    def set_contact_preferences(
        self, participant_id: UUID, preferences: ContactPreferences
    ) -> None:
        self._change(participant_id, lambda p: p.set_contact_preferences(preferences))

    def contact_address(
        self, participant_id: UUID, channel: Channel, requested_by: str, purpose: str
    ) -> dict[str, Any]:
        """The narrow, audited way to an address: one channel, for one send, recorded."""
        p = self._get(participant_id)
        personal = self._open(p)
        p.disclose_contact(channel, requested_by, purpose)
        self.save(p)
        address = {Channel.SMS: personal.phone, Channel.EMAIL: personal.email}.get(channel)
        return {"channel": channel, "address": address, "language": p.language}

    def search(
        self, name: str | None, external_id: str | None, birth_year: int | None
    ) -> list[dict[str, Any]]:
        return self.search_index.find(name, external_id, birth_year)

    def recorded(self, recordings: list[Recording[UUID]], here: bool = True) -> None:
        for r in recordings:
            event = r.domain_event
            if isinstance(event, Mentor.Registered):
                self.team_index.add(event.originator_id, event.team)
            elif isinstance(event, Participant.Registered):
                self.status_index.set(event.originator_id, str(Status.ACTIVE))
            elif isinstance(event, Participant.StatusChanged):
                self.status_index.set(event.originator_id, str(event.status))
            elif isinstance(event, Participant.Erased):
                self.status_index.set(event.originator_id, None)
        if not here:  # another process registered, rectified or erased them: look again
            for participant_id in {
                r.domain_event.originator_id
                for r in recordings
                if isinstance(r.domain_event, _NAMES_CHANGED)
            }:
                self.search_index.remove(participant_id)
                p = self._get(participant_id)
                if not p.erased and self.keys.get_key(p.id) is not None:
                    self.search_index.add(p.id, self._open(p))
        super().recorded(recordings, here)

    def _every_participant(self) -> list[tuple[UUID, PersonalData]]:
        found = []
        for participant_id in self.originators_of(Participant.Registered):
            p = self._get(participant_id)
            if not p.erased and self.keys.get_key(p.id) is not None:
                found.append((p.id, self._open(p)))
        return found

    def _change(self, participant_id: UUID, change: Any) -> None:
        participant = self._get(participant_id)
        change(participant)
        self.save(participant)

    def subject_access(self, participant_id: UUID) -> dict[str, Any]:
        """GDPR art. 15, this service's part: all it holds, disclosures included."""
        participant = self.participant(participant_id)
        p = self._get(participant_id)
        disclosures, rectifications, household_changes = [], [], []
        restrictions: list[dict[str, Any]] = []
        before: PersonalData | None = None
        for e in self.repository.event_store.get(participant_id):
            if isinstance(e, Participant.ContactDisclosed):
                disclosures.append(
                    {"channel": e.channel, "to": e.to, "purpose": e.purpose, "at": e.timestamp}
                )
            elif isinstance(e, Participant.Registered):
                before = self._open(p, e.sealed_personal_data)
            elif isinstance(e, Participant.PersonalDataRectified):
                after = self._open(p, e.sealed_personal_data)
                was = before.to_dict() if before else {}
                rectifications.append(
                    {
                        "on": e.on,
                        "changed": e.changed,
                        "reason": e.reason,
                        "previously": {field: was.get(field) for field in e.changed},
                    }
                )
                before = after
            elif isinstance(e, Participant.Restricted):
                restrictions.append({"since": e.on, "until": None, "reason": e.reason})
            elif isinstance(e, Participant.RestrictionLifted) and restrictions:
                restrictions[-1]["until"] = e.on
            elif isinstance(e, Participant.HouseholdChanged):
                household_changes.append(
                    {
                        "on": e.on,
                        "change": e.change,
                        "household": {
                            "adults": e.adults,
                            "preschool_children": e.preschool_children,
                            "school_age_children": e.school_age_children,
                        },
                    }
                )
        return {
            **participant,
            "bsn": self._open(p).bsn,  # the person may see their own number in full
            "status_history": self.history(participant_id),
            "mentor_id": p.mentor_id,
            "consents": self.consents(participant_id),
            "contact_preferences": vars(p.contact),
            "contact_disclosures": disclosures,
            "rectifications": rectifications,
            "household_changes": household_changes,
            "restrictions": restrictions,
            "stories": self.stories(participant_id),
        }
