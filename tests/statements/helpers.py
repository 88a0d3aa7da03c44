"""Shared factories for the statements tests: the register, approvers, and statements taken
through the real workflow (service calls, so every rule applies)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.accounts.models import Role, User
from app.audit.service import Actor
from app.orgs.models import Organisation
from app.statements import service
from app.statements.models import (
    Edition,
    Spokesperson,
    SpokespersonRole,
    Statement,
    StatementApprover,
    StatementKind,
)
from app.timeutil import local_today
from tests.factories import make_org, make_user
from tests.support import actor_of

SYSTEM = Actor.system("test")


def make_spokesperson(
    db: Session,
    org: Organisation,
    *,
    role: SpokespersonRole = SpokespersonRole.SPOKESPERSON,
    valid_from: date | None = None,
    valid_to: date | None = None,
    **over: Any,
) -> Spokesperson:
    person = Spokesperson(
        organisation_id=org.id or 0,
        role=role,
        full_name=over.pop("full_name", "Nguyễn Văn Phát Ngôn"),
        title=over.pop("title", "Chánh Văn phòng UBND tỉnh"),
        phone=over.pop("phone", "0203 000 0000"),
        email=over.pop("email", "phatngon@example.gov.vn"),
        matter=over.pop("matter", "Mọi vấn đề" if role == SpokespersonRole.AUTHORISED else ""),
        valid_from=valid_from or date(2020, 1, 1),
        valid_to=valid_to,
        **over,
    )
    db.add(person)
    db.commit()
    return person


def make_approver(db: Session) -> User:
    """A press-office editor given the right to approve statements."""
    user = make_user(db, Role.PRESS_OFFICE)
    db.add(StatementApprover(user_id=user.id or 0))
    db.commit()
    return user


class World:
    """A province with its People's Committee, a spokesperson in the register, an editor, the
    spokesperson's account and an editor with the right to approve; languages and topics loaded."""

    def __init__(self, db: Session) -> None:
        service.seed_reference(db)
        self.db = db
        self.org = make_org(
            db,
            kind="peoples_committee",
            name_vi="UBND tỉnh Quảng Ninh",
            name_en="Quang Ninh Provincial People's Committee",
        )
        self.person = make_spokesperson(db, self.org)
        self.editor_user = make_user(db, Role.PRESS_OFFICE)
        self.spokesperson_user = make_user(db, Role.SPOKESPERSON)
        self.approver_user = make_approver(db)
        self.editor = actor_of(self.editor_user)
        self.spokesperson = actor_of(self.spokesperson_user)
        self.approver = actor_of(self.approver_user)

    def input(self, **over: Any) -> service.StatementInput:
        values: dict[str, Any] = {
            "kind": StatementKind.PRESS_RELEASE,
            "organisation_id": self.org.id,
            "spokesperson_id": self.person.id,
            "title": "Thông cáo báo chí về cơn bão số 3 tại Đà Nẵng và Quảng Ninh",
            "summary": "Tỉnh chủ động ứng phó với bão.",
            "body": "UBND tỉnh **yêu cầu** các địa phương chủ động ứng phó.",
        }
        values.update(over)
        return service.StatementInput(**values)

    def draft(self, **over: Any) -> Statement:
        return service.create(self.db, actor=self.editor, data=self.input(**over))

    def issued(
        self, *, at: datetime | None = None, translations: dict[str, str] | None = None, **over: Any
    ) -> Statement:
        """Drafted by the editor, approved by the spokesperson, published now (or scheduled)."""
        st = self.draft(**over)
        sid = st.id or 0
        for lang, title in (translations or {}).items():
            service.save_translation(
                self.db,
                actor=self.editor,
                statement_id=sid,
                language=lang,
                title=title,
                summary="",
                body=f"{title}: text.",
            )
        service.submit(self.db, actor=self.editor, statement_id=sid)
        service.approve(self.db, actor=self.spokesperson, statement_id=sid)
        service.publish(self.db, actor=self.spokesperson, statement_id=sid, at=at)
        self.db.refresh(st)
        return st

    def correct(
        self, st: Statement, *, major: bool = True, note: str = "Sửa số liệu", **over: Any
    ) -> Edition:
        """A new edition of an issued statement, published now."""
        from app.statements.models import ChangeKind

        sid = st.id or 0
        ed = service.new_edition(self.db, actor=self.editor, statement_id=sid)
        data = self.input(
            change_kind=ChangeKind.MAJOR if major else ChangeKind.MINOR,
            change_note=note,
            title=over.pop("title", ed.title),
            summary=over.pop("summary", ed.summary),
            body=over.pop("body", ed.body + "\n\nĐã cập nhật."),
            **over,
        )
        service.update(self.db, actor=self.editor, statement_id=sid, data=data)
        service.submit(self.db, actor=self.editor, statement_id=sid)
        service.approve(self.db, actor=self.spokesperson, statement_id=sid)
        return service.publish(self.db, actor=self.spokesperson, statement_id=sid)


def soon(minutes: int = 30) -> datetime:
    from app.timeutil import utcnow

    return utcnow() + timedelta(minutes=minutes)


def today() -> date:
    return local_today()
