"""The `pressdesk` command: migrate, seed-demo, seed-reference, extend-series, publish-due,
send-mail, create-user, reset-password, sweep-uploads, backup, verify-backup, restore."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from app import models  # noqa: F401 - registers every table
from app.config import PROJECT_ROOT, get_settings
from app.db import make_engine
from app.errors import ValidationFailed


def _session() -> Session:
    return Session(make_engine(get_settings().database_url), expire_on_commit=False)


def cmd_migrate(_args: argparse.Namespace) -> int:
    """Apply every Alembic migration (creates the SQLite folder if needed)."""
    from alembic import command
    from alembic.config import Config

    settings = get_settings()
    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    command.upgrade(config, "head")
    return 0


def cmd_seed_demo(_args: argparse.Namespace) -> int:
    from app.demo import seed_demo

    settings = get_settings()
    with _session() as session:
        result = seed_demo(session, settings)
    print(
        f"Organisations added: {result.organisations_added}; briefings added: {result.briefings_added}; "
        f"department submissions added: {result.submissions_added}; "
        f"questions added: {result.questions_added}; statements added: {result.statements_added}; "
        f"past briefings and questions for the reports: {result.past_briefings_added} and "
        f"{result.past_questions_added}"
    )
    if result.created:
        print("\nDemo accounts (the passwords are shown only this once):")
        for demo, password in result.created:
            print(f"  {demo.role.value:<13} {demo.email:<34} {password}")
    if result.existing:
        print(
            "\nDemo accounts already present (passwords unchanged; `pressdesk reset-password --email E` gives a new one):"
        )
        for demo in result.existing:
            print(f"  {demo.role.value:<13} {demo.email}")
    return 0


def cmd_seed_reference(args: argparse.Namespace) -> int:
    """Load the reference data: organisations (default: the Quảng Ninh bodies) and kinds of briefing."""
    from pathlib import Path

    from app.audit.service import Actor
    from app.briefings import service as briefings
    from app.orgs import service as orgs
    from app.statements import service as statements

    path = Path(args.orgs_file) if args.orgs_file else orgs.SEED_FILE
    actor = Actor.system("seed-reference")
    with _session() as session:
        added = orgs.seed(session, actor=actor, path=path)
        kinds = briefings.seed_kinds(session, actor=actor)
        statement_refs = statements.seed_reference(session)
    print(
        f"Organisations added: {added} (from {path}); kinds of briefing added: {kinds}; "
        f"statement languages and topics added: {statement_refs}"
    )
    return 0


def cmd_extend_series(_args: argparse.Namespace) -> int:
    """Generate every running series up to the horizon (run daily from cron)."""
    from app.audit.service import Actor
    from app.briefings import service as briefings

    settings = get_settings()
    with _session() as session:
        result = briefings.extend_all(
            session,
            actor=Actor.system("extend-series"),
            horizon_months=settings.briefing_horizon_months,
        )
    print(
        f"Series extended to {settings.briefing_horizon_months} months: {result.created} added, "
        f"{result.updated} updated, {result.removed} removed, {result.cancelled} cancelled"
    )
    return 0


def cmd_publish_due(_args: argparse.Namespace) -> int:
    """Mark scheduled statements whose embargo has ended as published (cron, or the app's own
    background task), numbering first editions. Public pages record them on time themselves."""
    from app.statements import service as statements

    with _session() as session:
        done = statements.publish_due(session, numbers_file=get_settings().statement_numbers_file)
    print(f"Scheduled editions published: {len(done)}")
    return 0


def cmd_send_mail(_args: argparse.Namespace) -> int:
    """Prepare the scheduled messages (announcements, digests, reminders) and send the due
    e-mail of the outbox, once (cron; the app does the same every MAIL_SEND_INTERVAL_SECONDS)."""
    from app.notifications import scheduler

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        result = scheduler.run_once(engine, settings)
    finally:
        engine.dispose()
    if not settings.mail_enabled:
        print("SMTP is not configured (SMTP_HOST): nothing sent.")
    else:
        print(f"sent {result.sent}, to retry {result.retried}, failed {result.failed}")
    return 0


def _print_errors(exc: ValidationFailed) -> int:
    settings = get_settings()
    for field, message in exc.errors.items():
        print(f"error: {field}: {message.render(settings.default_language)}", file=sys.stderr)
    return 2


def cmd_create_user(args: argparse.Namespace) -> int:
    from app.accounts import service as accounts
    from app.audit.service import Actor
    from app.orgs import service as orgs

    if not args.password_stdin:
        print(
            "error: pass --password-stdin and give the password on standard input", file=sys.stderr
        )
        return 2
    password = sys.stdin.readline().rstrip("\r\n")
    settings = get_settings()
    with _session() as session:
        org_id = None
        if args.org:
            org = orgs.get_by_code(session, args.org)
            if org is None:
                print(f"error: no organisation with code {args.org}", file=sys.stderr)
                return 2
            org_id = org.id
        try:
            user = accounts.create_user(
                session,
                settings=settings,
                actor=Actor.system("cli"),
                email=args.email,
                full_name=args.name or args.email.split("@")[0],
                role=args.role,
                organisation_id=org_id,
                password=password,
            )
        except ValidationFailed as exc:
            return _print_errors(exc)
    print(f"Created {user.role.value} account {user.email} (id {user.id}).")
    return 0


def cmd_reset_password(args: argparse.Namespace) -> int:
    from app.accounts import service as accounts
    from app.audit.service import Actor

    with _session() as session:
        user = accounts.find_by_email(session, args.email)
        if user is None or user.id is None:
            print(f"error: no account with email {args.email}", file=sys.stderr)
            return 2
        temporary = accounts.reset_password(session, actor=Actor.system("cli"), user_id=user.id)
    print(f"One-time password for {args.email}: {temporary}  (to be changed at the next sign-in)")
    return 0


def cmd_sweep_uploads(args: argparse.Namespace) -> int:
    """Remove what killed uploads left in the store (UPLOAD_DIR or STORAGE_URL, see
    app/sweep.py); never a file with a row."""
    from app.storage import store_for
    from app.sweep import sweep

    settings = get_settings()
    store = store_for(settings)
    engine = make_engine(settings.database_url)
    try:
        found = sweep(engine, store, dry_run=args.dry_run)
    finally:
        engine.dispose()
    verb = "Would remove" if args.dry_run else "Removed"
    for location in found:
        print(f"{verb} {location}")
    print(f"{verb} {len(found)} orphan file(s) from {store.location}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database and the uploaded files into a new folder (see app/backup.py)."""
    from app import backup

    try:
        done = backup.backup(get_settings(), Path(args.directory))
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Backup of the {done.backend} database and {done.files} uploaded file(s)"
        f" ({done.size} bytes) written to {done.directory}"
    )
    if done.note:
        print(done.note)
    return 0


def cmd_verify_backup(args: argparse.Namespace) -> int:
    """Check a backup against its manifest (every file present, of its size and SHA-256)."""
    from app import backup

    try:
        manifest = backup.verify(Path(args.directory))
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    database = manifest["database"]
    print(
        f"The backup is whole: {len(manifest['files'])} file(s) match their SHA-256"
        f" ({database['backend']} database at revision {database['revision']},"
        f" made {manifest['created_at']})"
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore a verified backup into an empty database and an empty upload folder."""
    from app import backup

    try:
        done = backup.restore(get_settings(), Path(args.directory))
    except backup.BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Restored the {done.backend} database and {done.files} uploaded file(s) from"
        f" {done.directory}. Run `pressdesk migrate` if this version of Press Desk is newer."
    )
    if done.note:
        print(done.note)
    return 0


def cmd_watch_feeds(_args: argparse.Namespace) -> int:
    """Fetch the media-monitoring feeds that are due, once (cron; the app does the same every
    MONITORING_INTERVAL_SECONDS)."""
    from app.monitoring import watcher

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        result = watcher.run_once(engine, settings)
    finally:
        engine.dispose()
    print(
        f"sources fetched {len(result.sources)}, new press items {result.new_items}, "
        f"errors {result.errors}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pressdesk", description="Press Desk administration")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)
    sub.add_parser(
        "seed-demo", help="load organisations and demo accounts (idempotent)"
    ).set_defaults(func=cmd_seed_demo)
    reference = sub.add_parser(
        "seed-reference", help="load organisations and kinds of briefing (idempotent)"
    )
    reference.add_argument(
        "--orgs-file", help="organisations data file (default: app/orgs/data/quang_ninh.toml)"
    )
    reference.set_defaults(func=cmd_seed_reference)
    extend = sub.add_parser(
        "extend-series", help="generate recurring briefings up to the horizon (daily cron)"
    )
    extend.set_defaults(func=cmd_extend_series)
    sub.add_parser(
        "publish-due", help="record the publication of statements whose embargo has ended"
    ).set_defaults(func=cmd_publish_due)
    sub.add_parser(
        "send-mail", help="send the due e-mail of the outbox, with retries (cron)"
    ).set_defaults(func=cmd_send_mail)
    sub.add_parser(
        "watch-feeds", help="fetch the media-monitoring feeds that are due (cron)"
    ).set_defaults(func=cmd_watch_feeds)
    create = sub.add_parser("create-user", help="create an account without the web interface")
    create.add_argument("--email", required=True)
    create.add_argument(
        "--role",
        required=True,
        choices=["admin", "press_office", "spokesperson", "department", "journalist"],
    )
    create.add_argument("--org", help="organisation code (required for department and journalist)")
    create.add_argument("--name", help="full name (default: the part of the email before @)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    create.set_defaults(func=cmd_create_user)
    reset = sub.add_parser("reset-password", help="issue a one-time password for an account")
    reset.add_argument("--email", required=True)
    reset.set_defaults(func=cmd_reset_password)
    sweep = sub.add_parser(
        "sweep-uploads",
        help="remove .part files and stored files without a row, older than an hour",
    )
    sweep.add_argument("--dry-run", action="store_true", help="list them, remove nothing")
    sweep.set_defaults(func=cmd_sweep_uploads)
    made = sub.add_parser("backup", help="back up the database and the uploaded files")
    made.add_argument("directory", help="a new (or empty) folder to write the backup into")
    made.set_defaults(func=cmd_backup)
    check = sub.add_parser("verify-backup", help="check a backup against its SHA-256 manifest")
    check.add_argument("directory")
    check.set_defaults(func=cmd_verify_backup)
    back = sub.add_parser(
        "restore", help="restore a backup into an empty database and upload folder"
    )
    back.add_argument("directory")
    back.set_defaults(func=cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
