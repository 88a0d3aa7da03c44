"""JSON API for official statements: the public reads what is published; the
press office and the spokesperson draft, review, schedule, publish, correct and withdraw.

What the public sees is decided by time, as on the pages: an edition is visible from its
`publish_at` until the next edition replaces it, so an embargoed statement is absent from the
list, the search and the detail (404) until its time, on any worker. A withdrawn statement stays
readable with `withdrawn: true` and the reason. Texts are returned as stored (escaping them is the
renderer's job); `body_html` is the Markdown rendered and sanitised. Datetimes are ISO 8601 in
UTC; `from` and `to` are local calendar days (Asia/Ho_Chi_Minh).

The office's routes follow the service's rules: a step the edition's state does not allow, or a
stale `revision`, is 409; a published edition is never edited (409: start a new edition); approval
by the author, the last editor or a translator of the edition is 403.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlmodel import Session

from app.access import OfficeOnly, Public
from app.db import SessionDep
from app.error_pages import api_locale
from app.errors import NotFound, ValidationFailed
from app.i18n import Msg, gettext
from app.markdown import render_markdown
from app.orgs import service as orgs
from app.orgs.models import OrgView
from app.statements import queries, service, states
from app.statements.models import (
    KIND_LABELS,
    SPOKESPERSON_ROLE_LABELS,
    STATE_LABELS,
    Edition,
    EditionTranslation,
    Statement,
    StatementKind,
    Topic,
)
from app.statements.web.freshness import caught_up
from app.statements.web.shapes import (
    ActionRequest,
    ChangeNote,
    DraftUpdate,
    FilePublic,
    OrgRef,
    SpokespersonRef,
    StatementCreate,
    StatementDetail,
    StatementDraft,
    StatementSummary,
    TopicRef,
    TranslationDraft,
    TranslationRef,
    TranslationUpdate,
)
from app.timeutil import to_local, utcnow

router = APIRouter(prefix="/api/v1")
STATEMENTS = "/statements"
TAGS: list[str | Enum] = ["statements"]
ActionName = Literal[
    "submit", "return", "approve", "publish", "unschedule", "new-edition", "withdraw"
]
EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)  # keeps the UTC conversion in range


# --- Shaping -----------------------------------------------------------------------------------


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value else None


def _org_ref(view: OrgView | None) -> OrgRef | None:
    if view is None:
        return None
    return OrgRef(id=view.id, code=view.code, name_vi=view.name_vi, name_en=view.name_en)


def _issue_day(st: Statement) -> date | None:
    return to_local(st.first_published_at).date() if st.first_published_at else None


def _files(session: Session, statement_id: int, edition_id: int) -> list[FilePublic]:
    rows = service.edition_files(session, edition_id)
    return [
        FilePublic.model_validate(
            {**f.model_dump(), "url": f"/statements/{statement_id}/files/{f.id}"}
        )
        for f in rows
    ]


def _summary_fields(
    request: Request,
    session: Session,
    st: Statement,
    ed: Edition,
    *,
    lang: str | None,
    carried: dict[str, EditionTranslation],
    topics: list[Topic],
    organisation: OrgRef | None,
) -> dict[str, object]:
    assert st.id is not None and st.first_published_at is not None and ed.publish_at is not None
    shown = carried.get(lang) if lang else None
    return {
        "id": st.id,
        "number": st.number,
        "kind": st.kind,
        "kind_label": gettext(_locale(request, lang), KIND_LABELS[st.kind]),
        "organisation": organisation,
        "language": shown.language if shown else service.SOURCE_LANGUAGE,
        "title": shown.title if shown else ed.title,
        "summary": shown.summary if shown else ed.summary,
        "outdated": service.is_outdated(session, shown, ed) if shown else False,
        "topics": [t.code for t in topics],
        "languages": sorted(carried),
        "edition": ed.number,
        "first_published_at": _utc(st.first_published_at),
        "updated_at": _utc(ed.publish_at),
        "withdrawn": st.withdrawn_at is not None,
        "withdrawn_at": _utc(st.withdrawn_at),
        "withdrawn_reason": st.withdrawn_reason,
        "url": f"/statements/{st.id}",
    }


def _locale(request: Request, lang: str | None) -> str:
    """Labels follow `lang` when asked and the site has that language, else Accept-Language."""
    if lang and lang in request.app.state.settings.languages:
        return lang
    return api_locale(request)


def _detail(
    request: Request,
    session: Session,
    st: Statement,
    ed: Edition,
    lang: str | None,
    now: datetime,
) -> StatementDetail:
    assert st.id is not None and ed.id is not None
    locale = _locale(request, lang)
    carried = service.translations(session, ed.id)
    topics = service.topics_of(session, [st.id]).get(st.id, [])
    shown = carried.get(lang) if lang else None
    body = shown.body if shown else ed.body
    person = service.spokesperson_of(session, st.spokesperson_id)
    agency = st.target_agency_name
    if st.target_agency_id is not None:
        agency = orgs.get(session, st.target_agency_id, on=_issue_day(st)).name(locale)
    history = service.public_history(session, st.id, now)
    return StatementDetail.model_validate(
        {
            **_summary_fields(
                request,
                session,
                st,
                ed,
                lang=lang,
                carried=carried,
                topics=topics,
                organisation=_org_ref(orgs.get(session, st.organisation_id, on=_issue_day(st))),
            ),
            "spokesperson": SpokespersonRef(
                id=person.id or 0,
                full_name=person.full_name,
                title=person.title,
                role=person.role,
                role_label=gettext(locale, SPOKESPERSON_ROLE_LABELS[person.role]),
            )
            if person
            else None,
            "body": body,
            "body_html": str(render_markdown(body)),
            "topic_refs": [
                TopicRef(code=t.code, name=t.name(locale), name_vi=t.name_vi, name_en=t.name_en)
                for t in topics
            ],
            "briefing_id": st.briefing_id,
            "change_notes": [
                ChangeNote(
                    edition=e.number,
                    change_kind=e.change_kind,
                    note=e.change_note,
                    published_at=at.astimezone(UTC),
                )
                for e in history
                if (at := e.publish_at) is not None
            ],
            "translations": [
                TranslationRef(
                    language=t.language,
                    title=t.title,
                    outdated=service.is_outdated(session, t, ed),
                )
                for t in carried.values()
            ],
            "files": _files(session, st.id, ed.id),
            "target_agency_name": agency,
            "article_title": st.article_title,
            "article_url": st.article_url,
            "compliance": st.compliance,
        }
    )


def _draft_out(request: Request, session: Session, st: Statement, ed: Edition) -> StatementDraft:
    assert st.id is not None and ed.id is not None
    locale = api_locale(request)
    carried = service.translations(session, ed.id)
    return StatementDraft.model_validate(
        {
            **st.model_dump(exclude={"id", "year", "seq", "created_at", "updated_at", "revision"}),
            **ed.model_dump(
                exclude={
                    "id",
                    "number",
                    "statement_id",
                    "search_text",
                    "superseded_at",
                    "pending_links",
                }
            ),
            "id": st.id,
            **service.draft_links(session, st, ed),
            "first_published_at": _utc(st.first_published_at),
            "withdrawn_at": _utc(st.withdrawn_at),
            "edition": ed.number,
            "state_label": gettext(locale, STATE_LABELS[ed.state]),
            "body_html": str(render_markdown(ed.body)),
            "submitted_at": _utc(ed.submitted_at),
            "approved_at": _utc(ed.approved_at),
            "publish_at": _utc(ed.publish_at),
            "translations": [
                TranslationDraft.model_validate(
                    {
                        **t.model_dump(),
                        "outdated": service.is_outdated(session, t, ed),
                        "updated_at": _utc(t.updated_at),
                    }
                )
                for t in carried.values()
            ],
            "files": _files(session, st.id, ed.id),
            "steps": service.offered(session, st).steps,
        }
    )


def _input(body: StatementCreate) -> service.StatementInput:
    fields = body.model_dump(exclude={"revision"})
    return service.StatementInput(**fields)


# --- Reading (public) --------------------------------------------------------------------------


@router.get(
    STATEMENTS,
    response_model=list[StatementSummary],
    tags=TAGS,
    dependencies=[Depends(caught_up)],
)
def list_statements(
    request: Request,
    response: Response,
    identity: Public,
    session: SessionDep,
    kind: StatementKind | None = None,
    topic: Annotated[str | None, Query(description="the topic's code, e.g. du-lich")] = None,
    organisation_id: Annotated[int | None, Query(description="the issuing organisation")] = None,
    lang: Annotated[
        str | None,
        Query(max_length=10, description="only statements translated into it, shown in it"),
    ] = None,
    from_: Annotated[date | None, Query(alias="from", description="local date of issue")] = None,
    to: Annotated[date | None, Query(description="local date of issue, inclusive")] = None,
    q: Annotated[str, Query(description="words, accents optional: da nang finds Đà Nẵng")] = "",
    before: Annotated[
        str | None, Query(max_length=40, description="the cursor of the Link rel=next header")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[StatementSummary]:
    """Published statements (withdrawn ones too, marked), newest first by date of issue. When
    there are more, the `Link` header gives the next page (rel="next", keyset cursor `before`).
    A topic or language nobody uses, or a search of only punctuation, finds nothing."""
    cursor = queries.Cursor.parse(before) if before else None
    if before and cursor is None:
        raise ValidationFailed({"before": Msg("Some of the values sent are not valid.")})
    found_topic = queries.topic_by_code(session, topic) if topic else None
    if topic and found_topic is None:
        return []
    filters = queries.Filters(
        kind=kind,
        topic=found_topic,
        organisation_id=organisation_id,
        language=lang if lang and lang != service.SOURCE_LANGUAGE else None,
        date_from=max(from_, EARLIEST) if from_ else None,
        date_to=min(to, LATEST) if to else None,
        q=q,
    )
    page = queries.statement_page(session, filters, now=utcnow(), before=cursor, limit=limit)
    if page.next is not None:
        url = request.url.include_query_params(before=page.next.token())
        response.headers["Link"] = f'<{url.path}?{url.query}>; rel="next"'
    carried = service.translations_of(session, [i.edition.id for i in page.items if i.edition.id])
    return [
        StatementSummary.model_validate(
            _summary_fields(
                request,
                session,
                item.statement,
                item.edition,
                lang=lang,
                carried=carried.get(item.edition.id or 0, {}),
                topics=item.topics,
                organisation=_org_ref(item.organisation),
            )
        )
        for item in page.items
    ]


@router.get(
    STATEMENTS + "/{statement_id}",
    response_model=StatementDetail,
    tags=TAGS,
    dependencies=[Depends(caught_up)],
)
def get_statement(
    request: Request,
    statement_id: int,
    identity: Public,
    session: SessionDep,
    lang: Annotated[
        str | None, Query(max_length=10, description="a translation's language, e.g. en")
    ] = None,
) -> StatementDetail:
    """The edition the public sees now (404 before publication, under embargo too). With `lang`,
    the title, summary and body of that translation (`language` says which was returned)."""
    now = utcnow()
    st, ed = service.public_statement(session, statement_id, now)
    return _detail(request, session, st, ed, lang, now)


# --- The office --------------------------------------------------------------------------------


@router.get(STATEMENTS + "/{statement_id}/draft", response_model=StatementDraft, tags=TAGS)
def get_draft(
    request: Request, statement_id: int, identity: OfficeOnly, session: SessionDep
) -> StatementDraft:
    """The edition being prepared (draft, submitted or approved); when there is none, the newest
    edition (scheduled or published), whose `steps` say what can be done with it."""
    st = service.get(session, statement_id, actor=identity.actor)
    return _draft_out(request, session, st, service.current_edition(session, statement_id))


@router.post(STATEMENTS, response_model=StatementDraft, status_code=201, tags=TAGS)
def create_statement(
    request: Request, body: StatementCreate, identity: OfficeOnly, session: SessionDep
) -> StatementDraft:
    """A new statement, its first edition in draft."""
    st = service.create(session, actor=identity.actor, data=_input(body))
    return _draft_out(request, session, st, service.current_edition(session, st.id or 0))


@router.put(STATEMENTS + "/{statement_id}/draft", response_model=StatementDraft, tags=TAGS)
def update_draft(
    request: Request,
    statement_id: int,
    body: DraftUpdate,
    identity: OfficeOnly,
    session: SessionDep,
) -> StatementDraft:
    """Save the edition being prepared (a submitted one goes back to draft). A published or
    scheduled edition is never edited (409); an approved one must be returned to draft first."""
    st = service.get(session, statement_id, actor=identity.actor)
    service.require_working(session, statement_id)
    ed = service.update(
        session,
        actor=identity.actor,
        statement_id=statement_id,
        data=_input(body),
        expected_revision=body.revision,
    )
    return _draft_out(request, session, st, ed)


@router.put(
    STATEMENTS + "/{statement_id}/translations/{lang}", response_model=StatementDraft, tags=TAGS
)
def save_translation(
    request: Request,
    statement_id: int,
    lang: str,
    body: TranslationUpdate,
    identity: OfficeOnly,
    session: SessionDep,
) -> StatementDraft:
    """Write or update the translation into `lang` carried by the edition being prepared (it
    goes back to draft, to be approved again)."""
    st = service.get(session, statement_id, actor=identity.actor)
    service.require_working(session, statement_id)
    service.save_translation(
        session,
        actor=identity.actor,
        statement_id=statement_id,
        language=lang,
        title=body.title,
        summary=body.summary,
        body=body.body,
    )
    return _draft_out(request, session, st, service.current_edition(session, statement_id))


@router.post(STATEMENTS + "/{statement_id}/{action}", response_model=StatementDraft, tags=TAGS)
def take_action(
    request: Request,
    statement_id: int,
    action: ActionName,
    identity: OfficeOnly,
    session: SessionDep,
    body: ActionRequest | None = None,
) -> StatementDraft:
    """submit, return (to draft), approve (by a second person: the spokesperson or an editor given
    the right), publish (now, or scheduled with `publish_at`), unschedule, new-edition (from the
    one issued) or withdraw (with `reason`). A step the edition's state does not allow is 409."""
    body = body or ActionRequest()
    data = service.StepData(
        revision=body.revision,
        publish_at=body.publish_at.astimezone(UTC) if body.publish_at else None,
        reason=body.reason,
        numbers_file=request.app.state.settings.statement_numbers_file,
    )
    step = states.parse_step(action)
    assert step is not None  # every ActionName is a step
    ed = service.take_step(session, actor=identity.actor, id=statement_id, step=step, data=data)
    if ed is None:
        raise NotFound()
    st = service.get(session, statement_id, actor=identity.actor)
    return _draft_out(request, session, st, ed)
