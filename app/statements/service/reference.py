"""Reference data of statements and who may approve them: the languages statements are translated
into (the administrator adds, enables and disables them), the topics, and the press-office editors
given the right to approve."""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import Session, col, select

import app.statements.service.visibility as visibility
from app.accounts.models import Role, User
from app.audit import service as audit
from app.audit.service import Actor
from app.errors import Conflict, NotFound, ValidationFailed
from app.forms import check_text
from app.i18n import Msg
from app.statements.models import StatementApprover, StatementLanguage, Topic
from app.statements.service.common import SOURCE_LANGUAGE, admin_only
from app.uow import use_case

DEFAULT_LANGUAGES = (
    ("vi", "Tiếng Việt", "Tiếng Việt"),
    ("en", "English", "Tiếng Anh"),
    ("zh", "中文", "Tiếng Trung"),
    ("fr", "Français", "Tiếng Pháp"),
    ("ja", "日本語", "Tiếng Nhật"),
    ("ko", "한국어", "Tiếng Hàn"),
)


DEFAULT_TOPICS = (
    ("kinh-te", "Kinh tế – xã hội", "Economy and society"),
    ("dau-tu", "Đầu tư", "Investment"),
    ("du-lich", "Du lịch", "Tourism"),
    ("thien-tai", "Thiên tai, thời tiết", "Natural disasters and weather"),
    ("moi-truong", "Môi trường", "Environment"),
    ("y-te", "Y tế", "Health"),
    ("giao-thong", "Giao thông", "Transport"),
    ("dat-dai", "Đất đai, xây dựng", "Land and construction"),
    ("giao-duc", "Giáo dục", "Education"),
    ("bien-gioi", "Biên giới, biển đảo", "Borders, sea and islands"),
)


# --- Languages and topics -------------------------------------------------------------------------


def languages(session: Session, *, enabled_only: bool = True) -> list[StatementLanguage]:
    query = select(StatementLanguage)
    if enabled_only:
        query = query.where(col(StatementLanguage.enabled).is_(True))
    return list(session.exec(query.order_by(col(StatementLanguage.position))).all())


def translation_languages(session: Session) -> list[StatementLanguage]:
    """The languages a statement may be translated into (all enabled but Vietnamese)."""
    return [lang for lang in languages(session) if lang.code != SOURCE_LANGUAGE]


def topics(session: Session) -> list[Topic]:
    return list(session.exec(select(Topic).order_by(col(Topic.position), col(Topic.name_vi))).all())


@use_case
def seed_reference(session: Session) -> int:
    """The default languages (the province's plan) and topics, once; returns how many added."""
    added = seed_languages(session)
    for position, (code, name_vi, name_en) in enumerate(DEFAULT_TOPICS):
        if session.exec(select(Topic).where(Topic.code == code)).first() is None:
            session.add(Topic(code=code, name_vi=name_vi, name_en=name_en, position=position))
            added += 1
    return added


@use_case
def seed_languages(session: Session) -> int:
    """The default languages of the province's plan, once."""
    added = 0
    for position, (code, name, name_vi) in enumerate(DEFAULT_LANGUAGES):
        if session.get(StatementLanguage, code) is None:
            session.add(StatementLanguage(code=code, name=name, name_vi=name_vi, position=position))
            added += 1
    return added


@use_case
def add_language(
    session: Session, *, actor: Actor, code: str, name: str, name_vi: str
) -> StatementLanguage:
    """The administrator adds a language statements may be translated into (enabled)."""
    admin_only(actor)
    errors: dict[str, Msg] = {}
    code = code.strip().lower().replace("_", "-")
    if len(code) > 10 or not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", code):
        errors["code"] = Msg("Enter a language code (BCP 47) such as ru or zh-hant.")
    elif session.get(StatementLanguage, code) is not None:
        errors["code"] = Msg("This language is already in the list.")
    name = check_text(name, "name", 100, errors, Msg("Enter the name in the language itself."))
    name_vi = check_text(name_vi, "name_vi", 100, errors, Msg("Enter the name in Vietnamese."))
    if errors:
        raise ValidationFailed(errors)
    last = session.exec(select(func.max(StatementLanguage.position))).one()
    lang = StatementLanguage(code=code, name=name, name_vi=name_vi, position=(last or 0) + 1)
    session.add(lang)
    audit.record(
        session,
        actor,
        "statement.language_added",
        code,
        f"{name} / {name_vi}",
        object_type="statement_language",
    )
    visibility.mark_public_change(session)
    return lang


@use_case
def set_language_enabled(
    session: Session, *, actor: Actor, code: str, enabled: bool
) -> StatementLanguage:
    """Enable or disable a translation language; Vietnamese, the source, stays."""
    admin_only(actor)
    lang = session.get(StatementLanguage, code)
    if lang is None:
        raise NotFound()
    if code == SOURCE_LANGUAGE and not enabled:
        raise Conflict(Msg("Statements are written in Vietnamese: Vietnamese cannot be disabled."))
    if lang.enabled != enabled:
        lang.enabled = enabled
        session.add(lang)
        action = "statement.language_enabled" if enabled else "statement.language_disabled"
        audit.record(session, actor, action, code, lang.name_vi, object_type="statement_language")
        visibility.mark_public_change(session)
    return lang


# --- Who may approve -------------------------------------------------------------------------------


def may_approve(session: Session, actor: Actor) -> bool:
    """The spokesperson, or a press-office editor given the right."""
    if actor.role == Role.SPOKESPERSON.value:
        return True
    if actor.role != Role.PRESS_OFFICE.value or actor.user_id is None:
        return False
    return session.get(StatementApprover, actor.user_id) is not None


@use_case
def grant_approval(session: Session, *, actor: Actor, user_id: int, granted: bool) -> None:
    """The administrator gives or takes the right to approve statements (press office only)."""
    admin_only(actor)
    user = session.get(User, user_id)
    if user is None or user.role != Role.PRESS_OFFICE:
        raise NotFound()
    row = session.get(StatementApprover, user_id)
    if granted and row is None:
        session.add(StatementApprover(user_id=user_id, granted_by=actor.user_id))
        audit.record(session, actor, "statement.approver_granted", user)
    elif not granted and row is not None:
        session.delete(row)
        audit.record(session, actor, "statement.approver_revoked", user)


def approver_candidates(session: Session) -> list[tuple[User, bool]]:
    """Press-office editors, each with whether they may approve statements."""
    users = session.exec(
        select(User).where(User.role == Role.PRESS_OFFICE).order_by(col(User.full_name))
    ).all()
    granted = set(session.exec(select(StatementApprover.user_id)).all())
    return [(u, u.id in granted) for u in users]
