"""Success stories: written by a mentor with the participant, approved by them, published
while their consent stands; and the page of published stories for the hallway screen."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field

from steiger.participant.application import ParticipantApplication
from steiger.shared.access import CASE_READERS, CASEWORK, EVERYONE, admits
from steiger.shared.concurrency import on_event_loop
from steiger.shared.dates import PastMoment
from steiger.shared.http import Strict, current_application
from steiger.shared.openapi import Created, problems

Participants = Annotated[ParticipantApplication, Depends(current_application)]
router = APIRouter(tags=["success stories"])
_templates = Environment(
    loader=PackageLoader("steiger.participant"), autoescape=select_autoescape(["html"])
)
WORDS = {
    "nl": {"title": "Verhalen van deelnemers", "a_participant": "Een deelnemer",
           "none": "Er zijn nog geen verhalen."},
    "en": {"title": "Participants' stories", "a_participant": "A participant",
           "none": "There are no stories yet."},
}  # fmt: skip
NO_CONTENT: dict[str, Any] = {"status_code": status.HTTP_204_NO_CONTENT, "response_model": None}


class StoryIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=8000, description="paragraphs split by a blank line")
    language: Literal["nl", "en"] = "nl"


class RevisionIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=8000)


class ApprovalIn(Strict):
    revision: int = Field(ge=1, description="the revision of the text the participant approved")
    approved_at: PastMoment


class StoryOut(BaseModel):
    story_id: UUID
    title: str
    text: str
    language: Literal["nl", "en"]
    revision: int
    approved: bool = Field(description="the participant approved this revision")
    published: bool
    written_at: dt.datetime
    changed_at: dt.datetime


class PublishedStory(BaseModel):
    story_id: UUID
    title: str
    text: str
    language: Literal["nl", "en"]
    name: str | None = Field(description="only where the consent includes the name")
    published_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@router.post(
    "/participants/{participant_id}/stories",
    status_code=status.HTTP_201_CREATED,
    responses=problems(404, 410, 422),
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def write_story(participant_id: UUID, body: StoryIn, participants: Participants) -> Created:
    return Created(
        id=participants.write_story(participant_id, body.title, body.text, body.language, _now())
    )


@router.put(
    "/participants/{participant_id}/stories/{story_id}",
    summary="A new revision of the text; a published story goes down until approved again",
    responses=problems(404, 410, 422),
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def revise_story(
    participant_id: UUID, story_id: UUID, body: RevisionIn, participants: Participants
) -> None:
    participants.revise_story(participant_id, story_id, body.title, body.text, _now())


@router.post(
    "/participants/{participant_id}/stories/{story_id}/approval",
    summary="The participant approved this revision of the text",
    responses=problems(404, 409, 410, 422),
    **NO_CONTENT,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def approve_story(
    participant_id: UUID, story_id: UUID, body: ApprovalIn, participants: Participants
) -> None:
    participants.approve_story(participant_id, story_id, body.revision, body.approved_at)


@router.post(
    "/participants/{participant_id}/stories/{story_id}/publication",
    summary="Publish an approved story while the success-story consent stands",
    responses=problems(404, 410, 422),
    **NO_CONTENT,
    dependencies=[admits(*CASEWORK)],
)
@on_event_loop
def publish_story(participant_id: UUID, story_id: UUID, participants: Participants) -> None:
    participants.publish_story(participant_id, story_id, _now())


@router.delete(
    "/participants/{participant_id}/stories/{story_id}/publication",
    responses=problems(404, 410),
    **NO_CONTENT,
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def unpublish_story(participant_id: UUID, story_id: UUID, participants: Participants) -> None:
    participants.unpublish_story(participant_id, story_id, _now())


@router.get(
    "/participants/{participant_id}/stories",
    response_model=list[StoryOut],
    responses=problems(404, 410),
    dependencies=[admits(*CASE_READERS)],
)
@on_event_loop
def stories(participant_id: UUID, participants: Participants) -> list[dict[str, Any]]:
    return participants.stories(participant_id)


@router.get(
    "/stories",
    response_model=list[PublishedStory],
    summary="The published stories, the newest first",
    dependencies=[admits(*EVERYONE)],
)
@on_event_loop
def published(participants: Participants) -> list[dict[str, Any]]:
    return participants.published_stories()


@router.get(
    "/stories/page",
    response_class=HTMLResponse,
    summary="The published stories as a page for the organisation's hallway screen",
    dependencies=[admits(*EVERYONE)],
)
@on_event_loop
def page(participants: Participants, lang: Literal["nl", "en"] = Query("nl")) -> HTMLResponse:
    html = _templates.get_template("stories.html").render(
        stories=participants.published_stories(), t=WORDS[lang], lang=lang
    )
    return HTMLResponse(html)
