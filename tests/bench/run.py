"""`make bench`: the public newsroom and the staff pages under load, directly and through nginx.

1. A fresh SQLite database in a temporary folder gets the reference data and 10,000 published
   statements (about a third with an English translation, over five years, with topics), and a
   year of work (tests/bench/reports.py: 5,000 questions over twenty departments, 60 briefings,
   12 calls for content; the statements above give last year about 2,000) with a press-office
   account.
2. Direct: one uvicorn worker on loopback. `wrk` (Debian's) measures a statement page, the first
   page of the list, a search and the Atom feed (requests per second, p50 and p99; statement and
   feed p99 < 100 ms at 32 connections), the compliance dashboard (`/reports`) for last year at
   1 connection (p99 < 1000 ms: "renders in under a second on one worker") and at 4 (reported),
   and the staff pages signed in as the press office at 8 connections (BENCH_STAFF_CONNECTIONS):
   the dashboard, the inbox, the office's questions, statements and briefings (issue 20: p50 <=
   10 ms, p99 <= 50 ms) and /reports (p50 <= 100 ms), as deployed: the worker keeps each page
   for the session while no data changes (app/staffcache). Then, reported beside them: the same
   pages rendered at every request (STAFF_PAGE_CACHE_SECONDS=0), and kept with a change
   committed every second.
3. Per-request overhead: `/healthz` of the app against the same route in a bare FastAPI app
   (tests/bench/bare.py: the same sync handler, engine, query and answer) served by a second
   uvicorn worker on BENCH_BARE_PORT, each twice in turn (the better run of each kept). Target:
   the app at least 0.6 times the bare app's requests per second.
4. Through the proxy (tests/bench/proxy.py): nginx started from deploy/nginx/pressdesk.conf, over
   HTTPS, in front of two workers on unix sockets. The four public pages, anonymous (so from
   nginx's micro-cache once the first request filled it), as a ratio to the same nginx serving
   the same bytes from a file at the same connection count, each twice in turn (the better run
   of each kept): target >= 0.8. Then the staff pages
   signed in through the proxy (nginx never caches them; the same targets as directly).

Every line prints the figure, its target and whether it is met; exit status 1 if one is not.
Options through the environment: BENCH_STATEMENTS (10000), BENCH_SECONDS (8), BENCH_CONNECTIONS
(32), BENCH_REPORT_CONNECTIONS (4), BENCH_STAFF_CONNECTIONS (8), BENCH_QUESTIONS (5000),
BENCH_PORT (8765), BENCH_BARE_PORT (8767).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
N = int(os.environ.get("BENCH_STATEMENTS", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BARE_PORT = int(os.environ.get("BENCH_BARE_PORT", "8767"))
OVERHEAD_TARGET = 0.6  # the app's /healthz against the bare FastAPI app's
PROXY_TARGET = 0.8  # a public page through nginx against nginx serving its bytes from a file
REPORT_CONNECTIONS = int(os.environ.get("BENCH_REPORT_CONNECTIONS", "4"))
STAFF_CONNECTIONS = int(os.environ.get("BENCH_STAFF_CONNECTIONS", "8"))
QUESTIONS = int(os.environ.get("BENCH_QUESTIONS", "5000"))
OFFICE_EMAIL = "office.bench@example.vn"
OFFICE_PASSWORD = "lantern-harbour-cobalt-47"

PLACES = (
    "Hạ Long",
    "Cẩm Phả",
    "Uông Bí",
    "Móng Cái",
    "Đông Triều",
    "Quảng Yên",
    "Vân Đồn",
    "Cô Tô",
    "Bãi Cháy",
    "Hồng Gai",
)
SUBJECTS = (
    "công tác phòng, chống bão",
    "kết quả thu hút đầu tư",
    "tình hình du lịch",
    "tiến độ giải phóng mặt bằng",
    "an toàn thực phẩm",
    "tuyển sinh đầu cấp",
    "xây dựng nông thôn mới",
    "bảo vệ môi trường vịnh",
    "chuyển đổi số",
    "giao thông dịp lễ",
)


def seed(url: str) -> int:
    """Reference data, one spokesperson, and N statements inserted in bulk; returns the id of a
    statement in the middle of the archive (the one measured)."""
    from sqlalchemy import insert
    from sqlmodel import Session, select

    from app import models  # noqa: F401 - registers every table
    from app.audit.service import Actor
    from app.db import make_engine
    from app.orgs import service as orgs
    from app.statements import search, service
    from app.statements.models import (
        ChangeKind,
        Edition,
        EditionState,
        EditionTranslation,
        Spokesperson,
        SpokespersonRole,
        Statement,
        StatementKind,
        StatementTopic,
        Topic,
    )

    rng = random.Random(2026)
    engine = make_engine(url)
    with Session(engine) as db:
        orgs.seed(db, actor=Actor.system("bench"))
        service.seed_reference(db)
        org = orgs.get_by_code(db, "UBND-QN")
        assert org is not None and org.id is not None
        person = Spokesperson(
            organisation_id=org.id,
            role=SpokespersonRole.SPOKESPERSON,
            full_name="Người phát ngôn (bench)",
            title="Chánh Văn phòng UBND tỉnh",
            valid_from=datetime(2020, 1, 1).date(),
        )
        db.add(person)
        db.commit()
        topic_ids = [t.id for t in db.exec(select(Topic)).all()]
        kinds = list(StatementKind)
        start = datetime.now(UTC) - timedelta(days=5 * 365)
        step = (datetime.now(UTC) - timedelta(hours=1) - start) / N
        seqs: dict[tuple[StatementKind, int], int] = {}
        statements, editions, translations, links = [], [], [], []
        for i in range(1, N + 1):
            kind = kinds[i % len(kinds)] if i % 3 else StatementKind.PRESS_RELEASE
            at = start + step * i
            year = at.year
            seqs[(kind, year)] = seqs.get((kind, year), 0) + 1
            seq = seqs[(kind, year)]
            place, subject = rng.choice(PLACES), rng.choice(SUBJECTS)
            title = f"Thông cáo báo chí về {subject} tại {place} (số {i})"
            summary = f"UBND tỉnh Quảng Ninh thông tin về {subject} tại {place}."
            body = "\n\n".join(
                f"{j + 1}. Các sở, ngành và địa phương triển khai {rng.choice(SUBJECTS)} tại "
                f"{rng.choice(PLACES)}; báo cáo kết quả trước ngày {rng.randint(1, 28)}."
                for j in range(8)
            )
            number = service.format_number(kind, seq, year)
            statements.append(
                {
                    "id": i,
                    "kind": kind.value,
                    "organisation_id": org.id,
                    "spokesperson_id": person.id,
                    "year": year,
                    "seq": seq,
                    "number": number,
                    "first_published_at": at,
                    "created_at": at,
                    "updated_at": at,
                    "withdrawn_reason": "",
                    "target_agency_name": "",
                    "article_title": "",
                    "article_url": "",
                    "revision": 1,
                }
            )
            english = i % 3 == 0
            text_parts = [number, title, summary, body]
            if english:
                text_parts += [f"Press release on {place} (No. {i})", "Text in English."]
            editions.append(
                {
                    "id": i,
                    "statement_id": i,
                    "number": 1,
                    "state": EditionState.PUBLISHED.value,
                    "title": title,
                    "summary": summary,
                    "body": body,
                    "change_kind": ChangeKind.FIRST.value,
                    "change_note": "",
                    "publish_at": at,
                    "approved_at": at,
                    "search_text": search.document(*text_parts),
                    "created_at": at,
                    "updated_at": at,
                    "revision": 1,
                }
            )
            if english:
                translations.append(
                    {
                        "edition_id": i,
                        "language": "en",
                        "title": f"Press release on {place} (No. {i})",
                        "summary": "",
                        "body": "Text in English.",
                        "source_number": 1,
                        "updated_at": at,
                    }
                )
            links.append({"statement_id": i, "topic_id": rng.choice(topic_ids)})
        for model, rows in (
            (Statement, statements),
            (Edition, editions),
            (EditionTranslation, translations),
            (StatementTopic, links),
        ):
            for k in range(0, len(rows), 1000):
                db.execute(insert(model), rows[k : k + 1000])
        db.commit()
    engine.dispose()
    return N // 2


def seed_reports(url: str) -> tuple[int, int]:
    """A year of work for the dashboard (last year, whole and in the past) and a press-office
    account; returns the year and how many of the statements above were first published in it."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from app.accounts.models import Role, User
    from app.db import make_engine
    from app.reports.figures import Period
    from app.security import hash_password
    from app.statements.models import Statement
    from app.timeutil import local_today
    from tests.bench.reports import seed_year

    year = local_today().year - 1
    engine = make_engine(url)
    with Session(engine) as db:
        seed_year(db, year=year, questions=QUESTIONS, statements=0)
        db.add(
            User(
                email=OFFICE_EMAIL,
                full_name="Văn phòng báo chí (bench)",
                role=Role.PRESS_OFFICE,
                password_hash=hash_password(OFFICE_PASSWORD),
            )
        )
        db.commit()
        period = Period(date(year, 1, 1), date(year, 12, 31))
        statements = db.exec(
            select(func.count()).where(
                col(Statement.first_published_at) >= period.start,
                col(Statement.first_published_at) < period.end,
            )
        ).one()
    engine.dispose()
    return year, int(statements)


def fetch(
    path: str,
    headers: dict[str, str] | None = None,
    base: str | None = None,
    context: ssl.SSLContext | None = None,
) -> tuple[bytes, str]:
    address = (base or f"http://127.0.0.1:{PORT}") + path  # ours: http(s) on loopback
    request = urllib.request.Request(address, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30, context=context) as r:  # noqa: S310
        return r.read(), r.headers.get("content-type", "text/html")


def cache_status(path: str, base: str, context: ssl.SSLContext) -> str:
    with urllib.request.urlopen(base + path, timeout=30, context=context) as r:  # noqa: S310
        return str(r.headers.get("x-cache-status", ""))


def sign_in(
    email: str, password: str, base: str | None = None, context: ssl.SSLContext | None = None
) -> dict[str, str]:
    """Sign in through the login form, as a browser does (CSRF cookie and hidden field); returns
    the Cookie header that carries the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), urllib.request.HTTPSHandler(context=context)
    )
    base = base or f"http://127.0.0.1:{PORT}"
    with opener.open(f"{base}/login", timeout=30) as r:
        page = r.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("bench: no CSRF token on the login page")
    form = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": token.group(1)}
    ).encode()
    with opener.open(f"{base}/login", data=form, timeout=30) as r:
        r.read()
    session = [c for c in jar if c.name == "pd_session"]
    if not session:
        raise SystemExit("bench: signing in did not give a session cookie")
    return {"Cookie": f"pd_session={session[0].value}"}


def wait_until_up(port: int = PORT) -> None:
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise SystemExit("bench: the server did not start")


def wrk(
    path: str,
    connections: int = CONNECTIONS,
    headers: dict[str, str] | None = None,
    port: int = PORT,
    base: str | None = None,
) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 latency (ms), and requests that timed out (10 s)."""
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{SECONDS}s",
            "--timeout",
            "10s",
            "--latency",
            *[a for k, v in (headers or {}).items() for a in ("-H", f"{k}: {v}")],
            (base or f"http://127.0.0.1:{port}") + path,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p50 = float(value) * scale[unit]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p99 = float(value) * scale[unit]
    timeouts = re.search(r"Socket errors:.*timeout (\d+)", out)
    if "Non-2xx" in out:
        raise SystemExit(f"bench: {path} answered errors under load:\n{out}")
    return rps, p50, p99, int(timeouts.group(1)) if timeouts else 0


@dataclass(frozen=True)
class Target:
    """A measured page and what the issue asks of it (None: reported only)."""

    name: str
    path: str
    ratio: float | None = None  # requests per second against the floor's
    p50: float | None = None  # ms
    p99: float | None = None  # ms
    conns: int = CONNECTIONS
    auth: bool = False  # sent with the press office's session

    def describe(self) -> str:
        parts = [f"ratio>={self.ratio}"] if self.ratio is not None else []
        parts += [f"p50<={self.p50:.0f}"] if self.p50 is not None else []
        parts += [f"p99<{self.p99:.0f}"] if self.p99 is not None else []
        return ", ".join(parts) or "(none)"


@dataclass(frozen=True)
class Row:
    target: Target
    rps: float
    p50: float
    p99: float
    timeouts: int
    floor_rps: float | None = None  # the floor's figures, where the target is a ratio
    floor_p99: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.rps / self.floor_rps if self.floor_rps else None

    @property
    def ok(self) -> bool:
        t, ratio = self.target, self.ratio
        return (
            (t.ratio is None or (ratio is not None and ratio >= t.ratio))
            and (t.p50 is None or self.p50 <= t.p50)
            and (t.p99 is None or self.p99 < t.p99)
            and not self.timeouts
        )

    def line(self) -> str:
        t = self.target
        floor = f"{self.floor_rps:>12.0f} {self.floor_p99:>10.1f}" if self.floor_rps else " " * 23
        ratio = f"{self.ratio:>7.3f}" if self.ratio is not None else " " * 7
        if t.describe() == "(none)":
            verdict = "reported, no target"
        else:
            verdict = "met" if self.ok else "NOT met"
        return (
            f"{t.name:<18} {t.conns:>5} {self.rps:>8.1f} {self.p50:>8.1f} {self.p99:>8.1f} "
            f"{floor} {ratio} {t.describe():>22}  {verdict}"
            + (f" ({self.timeouts} timed out)" if self.timeouts else "")
        )


HEADER = (
    f"{'page':<18} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'floor req/s':>12} "
    f"{'floor p99':>10} {'ratio':>7} {'target':>22}  result"
)


def server_env(work: Path, database: str) -> dict[str, str]:
    """The environment of a measured server: a SQLite database and uploads in `work`, no
    periodic job in the worker (they would run beside the measured requests)."""
    return os.environ | {
        "DATABASE_URL": f"sqlite:///{work}/{database}",
        "UPLOAD_DIR": str(work / "uploads"),
        "SCHEDULER_INTERVAL_SECONDS": "0",
        "MAIL_SEND_INTERVAL_SECONDS": "0",
        "MONITORING_INTERVAL_SECONDS": "0",
        "ENVIRONMENT": "development",
    }


def serve(factory: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """One uvicorn worker on loopback, quiet."""
    return subprocess.Popen(
        [
            str(Path(PYTHON).parent / "uvicorn"),
            "--factory",
            factory,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )


def public_targets(middle: int, ratio: float | None = None) -> tuple[Target, ...]:
    p99 = None if ratio else 100.0
    return (
        Target("statement", f"/statements/{middle}", ratio=ratio, p99=p99),
        Target("list", "/statements", ratio=ratio),
        Target("search", "/statements?q=van+don", ratio=ratio),
        Target("feed", "/feeds/statements.atom", ratio=ratio, p99=p99),
    )


def staff_targets(report: str) -> tuple[Target, ...]:
    """Staff pages at 8 connections (issue 20: p50 <= 10 ms, p99 <= 50 ms; /reports p50 <= 100)."""
    return (
        *(
            Target(name, path, p50=10.0, p99=50.0, conns=STAFF_CONNECTIONS, auth=True)
            for name, path in (
                ("dashboard", "/dashboard"),
                ("inbox", "/inbox"),
                ("questions", "/office/questions"),
                ("statements", "/office/statements"),
                ("briefings", "/office/briefings"),
            )
        ),
        Target("reports", report, p50=100.0, conns=STAFF_CONNECTIONS, auth=True),
    )


def measure_direct(middle: int, report: str) -> list[Row]:
    """One worker, no proxy: /healthz against the bare app, public and staff pages."""
    rows: list[Row] = []
    bare_runs, app_runs = [], []
    for _ in range(2):  # each twice, in turn, the better run of each kept
        bare_runs.append(wrk("/healthz", CONNECTIONS, port=BARE_PORT))
        app_runs.append(wrk("/healthz", CONNECTIONS))
    bare_rps, _bp50, bare_p99, _bt = max(bare_runs)
    rps, p50, p99, timeouts = max(app_runs)
    healthz = Target("healthz", "/healthz", ratio=OVERHEAD_TARGET)
    rows.append(Row(healthz, rps, p50, p99, timeouts, bare_rps, bare_p99))
    cookie = sign_in(OFFICE_EMAIL, OFFICE_PASSWORD)
    targets = (
        *public_targets(middle),
        # One viewer at a time (the requirement: under a second on one worker), then a few
        # (reported, no target: one worker serves them one after another).
        Target("reports1", report, p99=1000.0, conns=1, auth=True),
        Target(f"reports{REPORT_CONNECTIONS}", report, conns=REPORT_CONNECTIONS, auth=True),
        *staff_targets(report),
    )
    for t in targets:
        fetch(t.path, cookie if t.auth else None)  # warm
        rps, p50, p99, timeouts = wrk(t.path, t.conns, cookie if t.auth else None)
        rows.append(Row(t, rps, p50, p99, timeouts))
    return rows


class Writer(threading.Thread):
    """Commits a change every second (the office's user row rewritten with itself), as people at
    work do: each commit moves the generation of all data, so every kept page renders again."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.done = threading.Event()
        self.commits = 0

    def run(self) -> None:
        from sqlalchemy import text
        from sqlmodel import Session

        from app.db import make_engine

        engine = make_engine(self.url)
        change = text("UPDATE app_user SET full_name = full_name WHERE email = :email")
        while not self.done.wait(1.0):
            with Session(engine) as session:  # app.uow counts the change as the app's do
                session.execute(change, {"email": OFFICE_EMAIL})
                session.commit()
            self.commits += 1
        engine.dispose()


def measure_staff_variants(env: dict[str, str], url: str, report: str) -> list[Row]:
    """The staff pages at 8 connections as they cost without the pages kept for a session
    (STAFF_PAGE_CACHE_SECONDS=0: every request renders), then kept but with a change committed
    every second. Reported beside the targets, which are measured as deployed."""
    rows: list[Row] = []
    for label, variant, writing in (
        ("render", {"STAFF_PAGE_CACHE_SECONDS": "0"}, False),
        ("write/s", {}, True),
    ):
        server = serve("app.main:create_app", PORT, env | variant)
        writer = Writer(url)
        try:
            wait_until_up()
            cookie = sign_in(OFFICE_EMAIL, OFFICE_PASSWORD)
            if writing:
                writer.start()
            for t in staff_targets(report):
                fetch(t.path, cookie)  # warm
                reported = Target(f"{t.name}:{label}", t.path, conns=t.conns)
                rps, p50, p99, timeouts = wrk(t.path, t.conns, cookie)
                rows.append(Row(reported, rps, p50, p99, timeouts))
        finally:
            writer.done.set()
            server.terminate()
            server.wait(timeout=10)
    return rows


def measure_proxy(work: Path, env: dict[str, str], middle: int, report: str) -> list[Row]:
    """nginx from deploy/nginx/pressdesk.conf in front of two workers (tests/bench/proxy.py)."""
    from tests.bench import proxy

    front = proxy.start(work, env)
    rows: list[Row] = []
    try:
        tls = front.tls()
        for t in public_targets(middle, ratio=PROXY_TARGET):
            body, ctype = fetch(t.path, base=front.url, context=tls)
            status = cache_status(t.path, front.url, tls)
            if status != "HIT":
                raise SystemExit(f"bench: {t.path} through nginx was {status}, not HIT, twice")
            name = t.name + (".atom" if "atom" in ctype else ".html")
            (front.files / name).write_bytes(body)
            # Each twice, in turn, the better run of each kept (as /healthz): the machine's
            # noise treated alike.
            floors, pages = [], []
            for _ in range(2):
                floors.append(wrk(f"/{name}", t.conns, base=front.file_url))
                pages.append(wrk(t.path, t.conns, base=front.url))
            floor_rps, _fp50, floor_p99, _ft = max(floors)
            rps, p50, p99, timeouts = max(pages)
            rows.append(Row(t, rps, p50, p99, timeouts, floor_rps, floor_p99))
        cookie = sign_in(OFFICE_EMAIL, OFFICE_PASSWORD, base=front.url, context=tls)
        for t in staff_targets(report):
            fetch(t.path, cookie, base=front.url, context=tls)  # warm
            rps, p50, p99, timeouts = wrk(t.path, t.conns, cookie, base=front.url)
            rows.append(Row(t, rps, p50, p99, timeouts))
    finally:
        front.stop()
    return rows


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="pressdesk-bench-"))
    env = server_env(work, "bench.db")
    url = env["DATABASE_URL"]
    subprocess.run([PYTHON, "-m", "app.cli", "migrate"], env=env, cwd=ROOT, check=True)
    began = time.monotonic()
    os.environ.update(env)
    middle = seed(url)
    print(f"bench: {N} statements seeded in {time.monotonic() - began:.1f} s ({work})")
    began = time.monotonic()
    year, in_year = seed_reports(url)
    print(
        f"bench: {QUESTIONS} questions, 60 briefings and 12 calls for content in {year} seeded in "
        f"{time.monotonic() - began:.1f} s ({in_year} of the statements are from {year})"
    )
    report = f"/reports?from={year}-01-01&to={year}-12-31"
    server = serve("app.main:create_app", PORT, env)
    bare = serve("tests.bench.bare:create_app", BARE_PORT, env)
    try:
        wait_until_up()
        wait_until_up(BARE_PORT)
        direct = measure_direct(middle, report)
    finally:
        for process in (server, bare):
            process.terminate()
            process.wait(timeout=10)
    variants = measure_staff_variants(env, url, report)
    proxied = measure_proxy(work, env, middle, report)
    print(
        f"\nwrk -t2 -d{SECONDS}s, SQLite, {N} statements; reports: {year}, {QUESTIONS} "
        f"questions, {in_year} statements; staff pages signed in as the press office"
    )
    print("\nDirect: one uvicorn worker on loopback (plain HTTP), no proxy.")
    print("healthz: the floor is the same route in a bare FastAPI app (tests/bench/bare.py)")
    print(HEADER)
    for row in direct:
        print(row.line())
    print(
        "\nThe staff pages again, one worker, reported: ':render' without the pages kept for a "
        "session (STAFF_PAGE_CACHE_SECONDS=0, every request renders); ':write/s' kept, with a "
        "change committed every second (every kept page renders again after each)."
    )
    print(HEADER)
    for row in variants:
        print(row.line())
    print(
        f"\nThrough nginx: deploy/nginx/pressdesk.conf, HTTPS, {proxy_workers()} uvicorn workers "
        "on unix sockets. Public pages: anonymous (nginx's micro-cache), the floor is the same "
        "nginx serving the same bytes from a file; staff pages: signed in (never cached)."
    )
    print(HEADER)
    for row in proxied:
        print(row.line())
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r.ok for r in direct + proxied) else 1


def proxy_workers() -> int:
    from tests.bench import proxy

    return proxy.WORKERS


if __name__ == "__main__":
    raise SystemExit(main())
