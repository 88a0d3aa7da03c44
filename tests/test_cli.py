"""The `pressdesk` command: create-user from standard input, seed-demo idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlmodel import Session, col, select

from app import cli
from app.accounts.models import Role, User
from app.attendance.demo import REPORTERS
from app.briefings.models import BriefingKind
from app.config import get_settings
from app.orgs.models import Organisation
from app.security import verify_password
from app.timeutil import local_today


@pytest.fixture
def pressdesk(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()

    def run(*args: str, stdin: str = "") -> int:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        return cli.main(list(args))

    yield run
    get_settings.cache_clear()


def test_create_user_reads_the_password_from_stdin(
    pressdesk: Any, db: Session, capsys: Any
) -> None:
    assert (
        pressdesk(
            "create-user",
            "--email",
            "Admin@Tinh.vn",
            "--role",
            "admin",
            "--password-stdin",
            stdin="lantern-harbour-cobalt-47\n",
        )
        == 0
    )
    user = db.exec(select(User)).one()
    assert (user.email, user.role) == ("admin@tinh.vn", Role.ADMIN)
    assert verify_password("lantern-harbour-cobalt-47", user.password_hash)
    assert "lantern" not in capsys.readouterr().out


def test_create_user_refuses_bad_input_with_a_clear_message(
    pressdesk: Any, db: Session, capsys: Any
) -> None:
    assert (
        pressdesk(
            "create-user",
            "--email",
            "a@b.vn",
            "--role",
            "department",
            "--password-stdin",
            stdin="short\n",
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "organisation_id" in err and "password" in err
    assert (
        pressdesk(
            "create-user",
            "--email",
            "a@b.vn",
            "--role",
            "department",
            "--org",
            "NOPE",
            "--password-stdin",
            stdin="lantern-harbour-cobalt-47\n",
        )
        == 2
    )
    assert "NOPE" in capsys.readouterr().err
    assert pressdesk("create-user", "--email", "a@b.vn", "--role", "admin") == 2
    assert db.exec(select(User)).first() is None


def test_seed_demo_is_idempotent_and_prints_passwords_once(
    pressdesk: Any, db: Session, capsys: Any
) -> None:
    assert pressdesk("seed-demo") == 0
    first = capsys.readouterr().out
    passwords = [line.split()[-1] for line in first.splitlines() if "@demo.pressdesk.vn" in line]
    assert len(passwords) == 8 and all(len(p) == 19 for p in passwords)
    orgs = len(db.exec(select(Organisation)).all())
    assert orgs > 40
    assert pressdesk("seed-demo") == 0
    second = capsys.readouterr().out
    assert not any(p in second for p in passwords)
    assert "Organisations added: 0" in second
    assert len(db.exec(select(Organisation)).all()) == orgs
    # The eight demo accounts, and the reporters the attendance demo registers (no password given).
    assert len(db.exec(select(User)).all()) == 8 + len(REPORTERS)
    not_listed = db.exec(select(User).where(col(User.email).startswith("chua.co.co.quan@"))).one()
    assert (not_listed.organisation_id, not_listed.status) == (None, "pending")
    assert not_listed.agency_name_given
    expiring = db.exec(select(User).where(col(User.email).startswith("the.sap.het.han@"))).one()
    assert expiring.press_card_expires_on is not None
    assert 0 < (expiring.press_card_expires_on - local_today()).days <= 30
    roles = {u.role for u in db.exec(select(User)).all()}
    assert roles == set(Role)


def test_reset_password_prints_a_one_time_password(
    pressdesk: Any, db: Session, capsys: Any
) -> None:
    pressdesk(
        "create-user",
        "--email",
        "x@tinh.vn",
        "--role",
        "admin",
        "--password-stdin",
        stdin="lantern-harbour-cobalt-47\n",
    )
    capsys.readouterr()
    assert pressdesk("reset-password", "--email", "x@tinh.vn") == 0
    temporary = capsys.readouterr().out.split(": ")[1].split()[0]
    db.expire_all()
    user = db.exec(select(User)).one()
    assert verify_password(temporary, user.password_hash) and user.must_change_password


def test_seed_reference_loads_bodies_and_kinds_without_accounts(
    pressdesk: Any, db: Session, tmp_path: Any, capsys: Any
) -> None:
    data = tmp_path / "bodies.toml"
    data.write_text(
        '[[organisation]]\ncode = "UBND-HP"\nkind = "peoples_committee"\nvalid_from = 2025-07-01\n'
        'names = [{ vi = "UBND thành phố Hải Phòng", en = "Hai Phong People\'s Committee", from = 2025-07-01 }]\n',
        encoding="utf-8",
    )
    assert pressdesk("seed-reference", "--orgs-file", str(data)) == 0
    assert pressdesk("seed-reference", "--orgs-file", str(data)) == 0
    assert "Organisations added: 0" in capsys.readouterr().out
    assert len(db.exec(select(BriefingKind)).all()) == 5
    assert [o.code for o in db.exec(select(Organisation)).all()] == ["UBND-HP"]
    assert db.exec(select(User)).first() is None


def test_publish_due_reports_how_many_embargoes_it_recorded(
    pressdesk: Any, db: Session, capsys: Any
) -> None:
    assert pressdesk("publish-due") == 0
    assert "Scheduled editions published: 0" in capsys.readouterr().out
