"""Use cases for organisations: list, look up, add, rename (a new name period), retire, seed."""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.db import memo
from app.errors import Conflict, NotFound, ValidationFailed
from app.forms import text_problem
from app.i18n import Msg
from app.orgs.models import MediaKind, MediaScope, Organisation, OrganisationName, OrgKind, OrgView
from app.timeutil import local_today
from app.uow import use_case

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
SEED_FILE = Path(__file__).resolve().parent / "data" / "quang_ninh.toml"


def _name_on(names: list[Any], day: date) -> Any | None:
    """The name in force on `day`; else the last one before it (retired bodies), else the first."""
    if not names:
        return None
    before = [n for n in names if n.valid_from <= day]
    current = [n for n in before if n.valid_to is None or n.valid_to >= day]
    if current or before:
        return max(current or before, key=lambda n: n.valid_from)
    return min(names, key=lambda n: n.valid_from)


def _view(org: Any, names: list[Any], day: date) -> OrgView:
    """`org` and `names`: the rows (models or light rows with the same columns)."""
    name = _name_on(names, day)
    assert org.id is not None
    return OrgView(
        id=org.id,
        code=org.code,
        kind=OrgKind(org.kind),
        valid_from=org.valid_from,
        valid_to=org.valid_to,
        name_vi=name.name_vi if name else org.code,
        name_en=name.name_en if name else org.code,
    )


class _OrgRow(NamedTuple):
    id: int
    code: str
    kind: OrgKind
    valid_from: date
    valid_to: date | None


class _NameRow(NamedTuple):
    organisation_id: int
    name_vi: str
    name_en: str
    valid_from: date
    valid_to: date | None


# Every column a view is made of, as the driver gives them (a few hundred small tuples, read in a
# fraction of a millisecond): the key of the views built from them.
_KEY_SQL = tuple(
    f"SELECT {', '.join(row._fields)} FROM {table} ORDER BY id"  # noqa: S608 - our names only
    for table, row in (("organisation", _OrgRow), ("organisation_name", _NameRow))
)


def _key(session: Session) -> tuple[Any, ...]:
    """The rows, read once per session (`db.memo`)."""

    def load() -> tuple[Any, ...]:
        conn = session.connection()
        return tuple(tuple(map(tuple, conn.exec_driver_sql(sql).all())) for sql in _KEY_SQL)

    return memo(session, "orgs.key", load)


def _typed(session: Session, key: tuple[Any, ...]) -> tuple[list[_OrgRow], dict[int, list[Any]]]:
    """The rows of the key with the values the columns' types give (dates, kinds)."""
    dialect = session.get_bind().dialect
    org_table: Any = Organisation.__table__  # type: ignore[attr-defined]
    name_table: Any = OrganisationName.__table__  # type: ignore[attr-defined]

    def convert(table: Any, fields: tuple[str, ...], rows: tuple[Any, ...]) -> list[list[Any]]:
        steps = [
            table.c[f].type.dialect_impl(dialect).result_processor(dialect, None) for f in fields
        ]
        return [
            [value if step is None else step(value) for step, value in zip(steps, row, strict=True)]
            for row in rows
        ]

    orgs = [_OrgRow(*r) for r in convert(org_table, _OrgRow._fields, key[0])]
    names: dict[int, list[Any]] = {}
    for r in convert(name_table, _NameRow._fields, key[1]):
        row = _NameRow(*r)
        names.setdefault(row.organisation_id, []).append(row)
    return orgs, names


# The sorted views, shared by every request that read the very same rows: the rows themselves
# are the key, so a change made anywhere (another worker, a script) reads as other rows and
# builds anew; nothing needs forgetting. A few entries only (days, kinds).
_BUILT: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[OrgView]]] = {}
_BUILT_MAX = 64


def list_organisations(
    session: Session,
    *,
    on: date | None = None,
    kinds: tuple[OrgKind, ...] | None = None,
    include_retired: bool = False,
) -> list[OrgView]:
    """Organisations with the names they had on `on` (default today), sorted by name."""
    day = on or local_today()
    key = _key(session)
    wanted = tuple(sorted(k.value for k in kinds)) if kinds else None
    slot = (hash(key), day, wanted, include_retired)
    found = _BUILT.get(slot)
    if found is not None and found[0] == key:
        return list(found[1])
    orgs, names = _typed(session, key)
    views = [
        _view(o, names.get(o.id, []), day)
        for o in orgs
        if wanted is None or OrgKind(o.kind).value in wanted
    ]
    # Never a body that did not exist yet; retired ones only when asked for.
    views = [v for v in views if v.active_on(day) or (include_retired and v.valid_from <= day)]
    order = list(OrgKind)
    views.sort(key=lambda v: (order.index(v.kind), v.name_vi))
    if len(_BUILT) >= _BUILT_MAX:
        _BUILT.clear()
    _BUILT[slot] = (key, views)
    return list(views)


def get(session: Session, org_id: int, *, on: date | None = None) -> OrgView:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound()
    return _view(org, history(session, org_id), on or local_today())


def get_active(session: Session, org_id: int | None, kinds: tuple[str, ...]) -> OrgView | None:
    """The organisation if it exists today and is of one of `kinds`, else None."""
    if org_id is None:
        return None
    org = session.get(Organisation, org_id)
    if org is None or org.kind not in kinds:
        return None
    view = _view(org, history(session, org_id), local_today())
    return view if view.active_on(local_today()) else None


def get_by_code(session: Session, code: str) -> Organisation | None:
    return session.exec(
        select(Organisation).where(Organisation.code == code.strip().upper())
    ).first()


def history(session: Session, org_id: int) -> list[OrganisationName]:
    return list(
        session.exec(
            select(OrganisationName)
            .where(OrganisationName.organisation_id == org_id)
            .order_by(col(OrganisationName.valid_from))
        ).all()
    )


def _check_names(name_vi: str, name_en: str, errors: dict[str, Msg]) -> tuple[str, str]:
    """Both names, required, on one line, without invisible characters (a zero-width space or a
    control character would make two organisations' names look alike)."""
    name_vi, name_en = name_vi.strip(), name_en.strip()
    if not name_vi:
        errors["name_vi"] = Msg("Enter the Vietnamese name.")
    elif len(name_vi) > 255:
        errors["name_vi"] = Msg("Use at most %(n)s characters.", {"n": 255})
    elif problem := text_problem(name_vi, name=True):
        errors["name_vi"] = problem
    if not name_en:
        errors["name_en"] = Msg("Enter the English name.")
    elif len(name_en) > 255:
        errors["name_en"] = Msg("Use at most %(n)s characters.", {"n": 255})
    elif problem := text_problem(name_en, name=True):
        errors["name_en"] = problem
    return name_vi, name_en


def _check_code(
    session: Session, code: str, errors: dict[str, Msg], own_id: int | None = None
) -> str:
    code = code.strip().upper()
    if not CODE_RE.match(code):
        errors["code"] = Msg("Use 1 to 32 capital letters, digits, hyphens or underscores.")
    elif (other := get_by_code(session, code)) is not None and other.id != own_id:
        errors["code"] = Msg("Another organisation already uses this code.")
    return code


def _check_media(
    media_kind: str, media_scope: str, errors: dict[str, Msg]
) -> tuple[MediaKind | None, MediaScope | None]:
    """A press agency's kind of media and scope (both required for a press agency)."""
    kind = MediaKind(media_kind) if media_kind in {k.value for k in MediaKind} else None
    scope = MediaScope(media_scope) if media_scope in {s.value for s in MediaScope} else None
    if kind is None:
        errors["media_kind"] = Msg("Choose the kind of media.")
    if scope is None:
        errors["media_scope"] = Msg("Choose whether the agency is central, local or foreign.")
    return kind, scope


@use_case
def create(
    session: Session,
    *,
    actor: Actor,
    code: str,
    kind: str,
    name_vi: str,
    name_en: str,
    valid_from: date | None,
    media_kind: str | None = None,
    media_scope: str | None = None,
) -> Organisation:
    """Add a body with its first name (a press agency may come with its kind of media and
    scope: given one, both are required)."""
    errors: dict[str, Msg] = {}
    code = _check_code(session, code, errors)
    if kind not in {k.value for k in OrgKind}:
        errors["kind"] = Msg("Choose a kind of organisation.")
    if valid_from is None:
        errors["valid_from"] = Msg("Enter the date it came into being.")
    name_vi, name_en = _check_names(name_vi, name_en, errors)
    media: tuple[MediaKind | None, MediaScope | None] = (None, None)
    if media_kind is not None or media_scope is not None:
        media = _check_media(media_kind or "", media_scope or "", errors)
        if kind != OrgKind.PRESS_AGENCY.value:
            errors["media_kind"] = Msg("Only a press agency has a kind of media.")
    if errors:
        raise ValidationFailed(errors)
    assert valid_from is not None
    org = Organisation(
        code=code,
        kind=OrgKind(kind),
        valid_from=valid_from,
        media_kind=media[0],
        media_scope=media[1],
    )
    session.add(org)
    session.flush()
    assert org.id is not None
    session.add(
        OrganisationName(
            organisation_id=org.id, name_vi=name_vi, name_en=name_en, valid_from=valid_from
        )
    )
    audit.record(session, actor, "organisation.created", org, f"{code}: {name_vi}")
    return org


def _current_name(session: Session, org: Organisation) -> OrganisationName:
    names = history(session, org.id or 0)
    open_names = [n for n in names if n.valid_to is None]
    if not open_names:
        raise Conflict(Msg("This organisation has been retired."))
    return open_names[-1]


@use_case
def rename(
    session: Session,
    *,
    actor: Actor,
    org_id: int,
    name_vi: str,
    name_en: str,
    effective: date | None,
) -> OrganisationName:
    """Close the current name the day before `effective` and open a new name from it."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound()
    if org.valid_to is not None:
        raise Conflict(Msg("This organisation has been retired."))
    current = _current_name(session, org)
    errors: dict[str, Msg] = {}
    name_vi, name_en = _check_names(name_vi, name_en, errors)
    if effective is None:
        errors["effective"] = Msg("Enter the date the new name takes effect.")
    elif effective <= current.valid_from:
        errors["effective"] = Msg(
            "The new name must take effect after %(date)s, when the current name began.",
            {"date": current.valid_from.strftime("%d/%m/%Y")},
        )
    if not errors and (name_vi, name_en) == (current.name_vi, current.name_en):
        errors["name_vi"] = Msg("This is already the current name.")
    if errors:
        raise ValidationFailed(errors)
    assert effective is not None
    current.valid_to = effective - timedelta(days=1)
    session.add(current)
    new = OrganisationName(
        organisation_id=org_id, name_vi=name_vi, name_en=name_en, valid_from=effective
    )
    session.add(new)
    audit.record(
        session,
        actor,
        "organisation.renamed",
        org,
        f"{org.code}: {current.name_vi} → {name_vi} ({effective:%d/%m/%Y})",
    )
    return new


@use_case
def set_media(
    session: Session, *, actor: Actor, org_id: int, kind: str, scope: str
) -> Organisation:
    """Record a press agency's kind of media and whether it is central, local or foreign."""
    org = session.get(Organisation, org_id)
    if org is None or org.kind != OrgKind.PRESS_AGENCY:
        raise NotFound()
    errors: dict[str, Msg] = {}
    media_kind, media_scope = _check_media(kind, scope, errors)
    if errors:
        raise ValidationFailed(errors)
    org.media_kind, org.media_scope = media_kind, media_scope
    session.add(org)
    audit.record(session, actor, "organisation.media_set", org, f"{org.code}: {kind}, {scope}")
    return org


@use_case
def update_press_agency(
    session: Session,
    *,
    actor: Actor,
    org_id: int,
    code: str,
    name_vi: str,
    name_en: str,
    media_kind: str,
    media_scope: str,
) -> Organisation:
    """Edit a press agency of the registry in one step: its code, its kind of media and scope,
    and its name. A changed name takes effect today (the current one ends yesterday), so older
    records keep the name they had; a name that began today is corrected in place."""
    org = session.get(Organisation, org_id)
    if org is None or org.kind != OrgKind.PRESS_AGENCY:
        raise NotFound()
    if org.valid_to is not None:
        raise Conflict(Msg("This organisation has been retired."))
    current = _current_name(session, org)
    errors: dict[str, Msg] = {}
    code = _check_code(session, code, errors, own_id=org.id)
    name_vi, name_en = _check_names(name_vi, name_en, errors)
    kind, scope = _check_media(media_kind, media_scope, errors)
    if errors:
        raise ValidationFailed(errors)
    changes = []
    if code != org.code:
        changes.append(f"code {org.code} → {code}")
        org.code = code
    if (kind, scope) != (org.media_kind, org.media_scope):
        changes.append(f"media {kind}, {scope}")
        org.media_kind, org.media_scope = kind, scope
    if (name_vi, name_en) != (current.name_vi, current.name_en):
        changes.append(f"{current.name_vi} → {name_vi}")
        today = local_today()
        if current.valid_from >= today:
            current.name_vi, current.name_en = name_vi, name_en
        else:
            current.valid_to = today - timedelta(days=1)
            session.add(
                OrganisationName(
                    organisation_id=org_id, name_vi=name_vi, name_en=name_en, valid_from=today
                )
            )
        session.add(current)
    session.add(org)
    if changes:
        audit.record(session, actor, "organisation.updated", org, "; ".join(changes))
    return org


@use_case
def retire(session: Session, *, actor: Actor, org_id: int, last_day: date | None) -> Organisation:
    """End the organisation (and its current name) on `last_day`; its history stays."""
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound()
    if org.valid_to is not None:
        raise Conflict(Msg("This organisation has been retired."))
    current = _current_name(session, org)
    if last_day is None:
        raise ValidationFailed({"last_day": Msg("Enter the last day the organisation existed.")})
    if last_day < current.valid_from:
        raise ValidationFailed(
            {
                "last_day": Msg(
                    "The last day cannot be before %(date)s.",
                    {"date": current.valid_from.strftime("%d/%m/%Y")},
                )
            }
        )
    org.valid_to = last_day
    current.valid_to = last_day
    session.add(org)
    session.add(current)
    audit.record(
        session,
        actor,
        "organisation.retired",
        org,
        f"{org.code}: {current.name_vi} ({last_day:%d/%m/%Y})",
    )
    return org


@use_case
def seed(session: Session, *, actor: Actor, path: Path = SEED_FILE) -> int:
    """Load the bodies in the data file that are not there yet (matched by code)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    added = 0
    for item in data["organisation"]:
        if get_by_code(session, item["code"]):
            continue
        org = Organisation(
            code=item["code"],
            kind=OrgKind(item["kind"]),
            valid_from=item["valid_from"],
            valid_to=item.get("valid_to"),
        )
        session.add(org)
        session.flush()
        assert org.id is not None
        for name in item["names"]:
            session.add(
                OrganisationName(
                    organisation_id=org.id,
                    name_vi=name["vi"],
                    name_en=name["en"],
                    valid_from=name["from"],
                    valid_to=name.get("to"),
                )
            )
        audit.record(session, actor, "organisation.created", org, f"{org.code} (seed)")
        added += 1
    return added
