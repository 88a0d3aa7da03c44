"""`make soak`: one worker under a minute of mixed traffic, public and signed in at once.

1. A fresh SQLite database in a temporary folder is migrated and gets the demo data
   (`pressdesk seed-demo`). Accounts are added directly in the database: a department focal
   officer for each of several organisations asked for content by an open call (when the demo's
   open call has fewer editable recipients than there are draft connections, more departments are
   added to its recipients), a verified journalist per question connection, and one account that
   is signed in again and again.
2. One uvicorn worker serves the app on loopback (SCHEDULER_INTERVAL_SECONDS=0,
   MAIL_SEND_INTERVAL_SECONDS=0, QUESTION_RATE_LIMIT very high so that every question is written).
   Each department officer signs in, starts its organisation's submission
   (`POST /api/v1/submissions`); each journalist signs in; each sign-in thread gets an anonymous
   CSRF cookie and token from `GET /api/v1/session`.
3. Four `wrk` processes run at the same time for SOAK_SECONDS (60), 64 connections in all, each
   with its own Lua script (written into the temporary folder):
   - public (36): `/`, `/statements`, a statement, `/feeds/statements.atom`, `/briefings`,
     `/spokespersons` in turn;
   - signin (4): `POST /api/v1/session` with the right password (429 is allowed: throttling);
   - drafts (12, one connection per wrk thread, each thread its own officer and submission):
     `PATCH /api/v1/submissions/{id}` with the revision from the previous answer, so a 409 is an
     error (the thread then reads the submission again to go on);
   - questions (12, one journalist per thread): `POST /api/v1/questions`, a new text each time.
   Each script counts the statuses per thread and prints them, with the latency p50/p99, in
   `done()`.
4. The table: per kind, connections, requests, req/s, p50 and p99 (ms), 2xx/3xx, 429 and other
   errors (any other status, and socket errors and timeouts). Then `/healthz` must answer 200 and
   the server's stderr must hold no traceback (its tail is printed if it does), and the rows the
   run wrote are counted. Exit status 1 if any of that fails.

Options through the environment: SOAK_SECONDS (60), SOAK_PORT (8766: not `make bench`'s, so both
can run on one machine; the helpers of tests/bench/run.py are pointed at it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.bench import run as bench
from tests.bench.run import PYTHON, ROOT, fetch, sign_in, wait_until_up

SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
PORT = int(os.environ.get("SOAK_PORT", "8766"))
PUBLIC_CONNECTIONS = 36
SIGNIN_CONNECTIONS = 4
DRAFT_CONNECTIONS = 12
QUESTION_CONNECTIONS = 12
PASSWORD = "harbour-lantern-cobalt-83"
SIGNIN_EMAIL = "soak.signin@example.vn"
BASE = f"http://127.0.0.1:{PORT}"

# --- Lua ---------------------------------------------------------------------------------------

# Shared by every script: each thread knows its number (`tid`, from 1) and counts the statuses
# of the answers it got; done() (in the main Lua state) adds up the threads' counts.
LUA_COMMON = r"""
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

statuses = {}
resyncs = 0

function count(status)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, extra = {}, 0
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
    extra = extra + (t:get("resyncs") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "soak-summary requests=%d duration_us=%d connect=%d read=%d write=%d status=%d " ..
    "timeout=%d p50_us=%d p99_us=%d resyncs=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), extra))
  for status, n in pairs(total) do
    io.write(string.format("soak-status %d %d\n", status, n))
  end
end
"""

LUA_PUBLIC = r"""
local i = 0

function request()
  i = i + 1
  return wrk.format("GET", DATA.paths[(i + tid) % #DATA.paths + 1])
end

function response(status, headers, body)
  count(status)
end
"""

LUA_SIGNIN = r"""
function init(args)
  local me = DATA.threads[tid]
  headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = me.cookie,
    ["X-CSRF-Token"] = me.csrf,
  }
  body = string.format('{"email":"%s","password":"%s"}', DATA.email, DATA.password)
end

function request()
  return wrk.format("POST", "/api/v1/session", headers, body)
end

function response(status, headers, body)
  count(status)
end
"""

LUA_DRAFTS = r"""
function init(args)
  me = DATA.threads[tid]
  path = "/api/v1/submissions/" .. me.id
  headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = me.cookie,
    ["X-CSRF-Token"] = me.csrf,
  }
  revision = me.revision
  n = 0
  resync = false   -- the last answer had no revision: read the submission before saving again
  reading = false  -- the request in flight is that read
end

function request()
  if resync then
    reading = true
    return wrk.format("GET", path, headers)
  end
  reading = false
  n = n + 1
  local body = string.format(
    '{"revision":%d,"title":"Nội dung soak %d","talking_points":"- Ý chính số %d của luồng %d.\\n' ..
    '- Số liệu cập nhật lần %d.","key_figures":"Lượt lưu: %d"}',
    revision, tid, n, tid, n, n)
  return wrk.format("PATCH", path, headers, body)
end

function response(status, headers, body)
  if reading then
    resyncs = resyncs + 1
  else
    count(status)
  end
  local found = status == 200 and body and string.match(body, '"revision":(%d+)')
  if found then
    revision = tonumber(found)
    resync = false
  else
    resync = true
  end
end
"""

LUA_QUESTIONS = r"""
local topics = {"Y tế", "Du lịch", "Giao thông", "Đất đai", "Môi trường", "Giáo dục"}

function init(args)
  local me = DATA.threads[tid]
  headers = {
    ["Content-Type"] = "application/json",
    ["Cookie"] = me.cookie,
    ["X-CSRF-Token"] = me.csrf,
  }
  n = 0
end

function request()
  n = n + 1
  local body = string.format(
    '{"text":"Phóng viên %d hỏi lần %d: đề nghị cho biết tiến độ dự án số %d và thời gian ' ..
    'hoàn thành?","topic":"%s"}',
    tid, n, n, topics[n % #topics + 1])
  return wrk.format("POST", "/api/v1/questions", headers, body)
end

function response(status, headers, body)
  count(status)
end
"""


def lua_value(value: Any) -> str:
    """A Python value (dict, list, str, int) as a Lua literal."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{lua_value(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(lua_value(v) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a JSON string is a valid Lua string literal


# --- The run -----------------------------------------------------------------------------------


@dataclass
class Kind:
    name: str
    connections: int
    threads: int
    script: str
    data: dict[str, Any]


@dataclass
class Result:
    kind: Kind
    requests: int = 0
    seconds: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    ok: int = 0
    limited: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    socket: dict[str, int] = field(default_factory=dict)
    resyncs: int = 0
    output: str = ""

    @property
    def errors(self) -> int:
        bad = sum(n for s, n in self.statuses.items() if not 200 <= s < 400 and s != 429)
        return bad + sum(self.socket.values())


def call(
    method: str, path: str, headers: dict[str, str] | None = None, body: Any = None
) -> tuple[int, Any, list[str]]:
    """A JSON request: status, decoded body and the Set-Cookie headers."""
    data = None if body is None else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(
                f"http://127.0.0.1:{PORT}{path}",
                data=data,
                method=method,
                headers={"Content-Type": "application/json", **(headers or {})},
            ),
            timeout=30,
        ) as r:
            return r.status, json.loads(r.read() or b"null"), r.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as exc:
        raise SystemExit(
            f"soak: {method} {path} answered {exc.code}: {exc.read()[:500]!r}"
        ) from exc


def prepare_accounts(url: str) -> tuple[list[str], list[str], list[int]]:
    """Department officers (one per draft connection, each for a different organisation that an
    open call asks for content and whose submission can still be edited), journalists (one per
    question connection) and the sign-in account; returns their e-mails and the calls' ids of
    the officers."""
    from sqlmodel import Session, col, select

    from app.accounts.models import Role, User, UserStatus
    from app.content.models import CallRecipient, CallStatus, ContentCall, Submission
    from app.content.states import EDITABLE
    from app.db import make_engine
    from app.orgs.models import Organisation, OrgKind
    from app.security import hash_password

    password_hash = hash_password(PASSWORD)
    engine = make_engine(url)
    with Session(engine) as db:
        calls = db.exec(
            select(ContentCall).where(ContentCall.status == CallStatus.OPEN).order_by("id")
        ).all()
        if not calls:
            raise SystemExit("soak: the demo data has no open call for content")
        chosen: list[tuple[int, int]] = []  # (call, organisation)
        for c in calls:
            recipients = db.exec(
                select(CallRecipient.organisation_id)
                .where(CallRecipient.call_id == c.id)
                .order_by("organisation_id")
            ).all()
            started = {
                s.organisation_id: s.status
                for s in db.exec(select(Submission).where(Submission.call_id == c.id))
            }
            chosen += [
                (c.id or 0, org)
                for org in recipients
                if org not in started or started[org] in EDITABLE
            ]
        first = calls[0].id or 0
        asked = set(
            db.exec(select(CallRecipient.organisation_id).where(CallRecipient.call_id == first))
        )
        spare = [
            org.id or 0
            for org in db.exec(
                select(Organisation)
                .where(
                    Organisation.kind == OrgKind.DEPARTMENT, col(Organisation.valid_to).is_(None)
                )
                .order_by("id")
            )
            if org.id not in asked
        ]
        added = spare[: max(0, DRAFT_CONNECTIONS - len(chosen))]
        for org_id in added:
            db.add(CallRecipient(call_id=first, organisation_id=org_id))
            chosen.append((first, org_id))
        if len(chosen) < DRAFT_CONNECTIONS:
            raise SystemExit(f"soak: only {len(chosen)} organisations can write content")
        print(
            f"soak: {len(chosen) - len(added)} editable recipients of the demo's open calls, "
            f"{len(added)} more departments added to call {first}"
        )
        departments = []
        for n, (_call, org_id) in enumerate(chosen[:DRAFT_CONNECTIONS], 1):
            email = f"soak.dept{n}@example.vn"
            db.add(
                User(
                    email=email,
                    full_name=f"Cán bộ đầu mối {n} (soak)",
                    role=Role.DEPARTMENT,
                    organisation_id=org_id,
                    password_hash=password_hash,
                )
            )
            departments.append(email)
        agencies = [
            org.id
            for org in db.exec(
                select(Organisation).where(Organisation.kind == OrgKind.PRESS_AGENCY).order_by("id")
            )
        ]
        journalists = []
        for n in range(1, QUESTION_CONNECTIONS + 1):
            email = f"soak.journalist{n}@example.vn"
            db.add(
                User(
                    email=email,
                    full_name=f"Phóng viên {n} (soak)",
                    role=Role.JOURNALIST,
                    status=UserStatus.ACTIVE,
                    organisation_id=agencies[n % len(agencies)],
                    press_card_number=f"SOAK-{n:04d}",
                    password_hash=password_hash,
                )
            )
            journalists.append(email)
        db.add(
            User(
                email=SIGNIN_EMAIL,
                full_name="Phóng viên đăng nhập (soak)",
                role=Role.JOURNALIST,
                status=UserStatus.ACTIVE,
                organisation_id=agencies[0],
                press_card_number="SOAK-SIGNIN",
                password_hash=password_hash,
            )
        )
        db.commit()
    engine.dispose()
    return departments, journalists, [c for c, _org in chosen[:DRAFT_CONNECTIONS]]


def published_statement(url: str) -> int:
    """The latest statement the public sees in its current edition (not withdrawn)."""
    from sqlmodel import Session, col, select

    from app.db import make_engine
    from app.statements.models import Statement
    from app.timeutil import utcnow

    engine = make_engine(url)
    with Session(engine) as db:
        found = db.exec(
            select(Statement.id)
            .where(col(Statement.first_published_at) <= utcnow())
            .where(col(Statement.withdrawn_at).is_(None))
            .order_by(col(Statement.first_published_at).desc())
        ).first()
    engine.dispose()
    if found is None:
        raise SystemExit("soak: the demo data has no published statement")
    return found


def signed_in(email: str) -> dict[str, str]:
    """The Cookie and X-CSRF-Token headers of a new session of this account."""
    cookie = sign_in(email, PASSWORD)
    _status, info, _cookies = call("GET", "/api/v1/session", cookie)
    return {"cookie": cookie["Cookie"], "csrf": info["csrf_token"]}


def anonymous_csrf() -> dict[str, str]:
    """An anonymous visitor's CSRF cookie and token, as `GET /api/v1/session` gives them."""
    _status, info, cookies = call("GET", "/api/v1/session")
    jar = [c.split(";", 1)[0] for c in cookies if c.startswith("pd_csrf=")]
    if not jar:
        raise SystemExit("soak: GET /api/v1/session set no CSRF cookie")
    return {"cookie": jar[0], "csrf": info["csrf_token"]}


def run_wrk(work: Path, kinds: list[Kind]) -> list[Result]:
    """Every kind's wrk at the same time; their outputs parsed."""
    procs = []
    for kind in kinds:
        script = work / f"{kind.name}.lua"
        script.write_text(
            f"DATA = {lua_value(kind.data)}\n{LUA_COMMON}{kind.script}", encoding="utf-8"
        )
        procs.append(
            subprocess.Popen(
                [
                    "wrk",
                    f"-t{kind.threads}",
                    f"-c{kind.connections}",
                    f"-d{SECONDS}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(script),
                    BASE,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    results = []
    for kind, proc in zip(kinds, procs, strict=True):
        out, _ = proc.communicate(timeout=SECONDS + 120)
        results.append(parse(kind, out, proc.returncode))
    return results


def parse(kind: Kind, out: str, returncode: int) -> Result:
    summary = re.search(r"^soak-summary (.*)$", out, re.M)
    if summary is None or returncode != 0:
        raise SystemExit(f"soak: wrk for {kind.name} ended with {returncode}:\n{out}")
    values = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", summary.group(1))}
    statuses = {int(s): int(n) for s, n in re.findall(r"^soak-status (\d+) (\d+)$", out, re.M)}
    return Result(
        kind=kind,
        requests=sum(statuses.values()),  # the drafts' re-reads after a failed save left out
        seconds=values["duration_us"] / 1e6,
        p50=values["p50_us"] / 1000,
        p99=values["p99_us"] / 1000,
        ok=sum(n for s, n in statuses.items() if 200 <= s < 400),
        limited=statuses.get(429, 0),
        statuses=statuses,
        socket={k: values[k] for k in ("connect", "read", "write", "timeout") if values[k]},
        resyncs=values["resyncs"],
        output=out,
    )


def written(url: str, journalists: list[str], submissions: list[int]) -> tuple[int, int]:
    """Questions the soak journalists sent, and the sum of the soak submissions' revisions."""
    from sqlalchemy import func
    from sqlmodel import Session, col, select

    from app.accounts.models import User
    from app.content.models import Submission
    from app.db import make_engine
    from app.questions.models import Question

    engine = make_engine(url)
    with Session(engine) as db:
        ids = db.exec(select(User.id).where(col(User.email).in_(journalists))).all()
        questions = db.exec(select(func.count()).where(col(Question.journalist_id).in_(ids))).one()
        saves = db.exec(
            select(func.sum(Submission.revision)).where(col(Submission.id).in_(submissions))
        ).one()
    engine.dispose()
    return int(questions), int(saves or 0)


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("soak: wrk is missing (Debian: apt-get install wrk)")
    bench.PORT = PORT  # fetch, sign_in and wait_until_up read it when called
    try:
        fetch("/healthz")
        busy = True
    except urllib.error.HTTPError:
        busy = True
    except (urllib.error.URLError, OSError):
        busy = False
    if busy:
        raise SystemExit(f"soak: something already answers on port {PORT} (set SOAK_PORT)")
    work = Path(tempfile.mkdtemp(prefix="pressdesk-soak-"))
    env = bench.server_env(work, "soak.db") | {"QUESTION_RATE_LIMIT": "1000000"}
    url = env["DATABASE_URL"]
    began = time.monotonic()
    subprocess.run(
        [PYTHON, "-m", "app.cli", "migrate"], env=env, cwd=ROOT, check=True, capture_output=True
    )
    # The demo passwords it prints are not needed: the soak makes its own accounts.
    seeded = subprocess.run(
        [PYTHON, "-m", "app.cli", "seed-demo"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[0]
    os.environ.update(env)
    print(f"soak: migrated and seeded in {time.monotonic() - began:.1f} s ({work})\n  {seeded}")
    departments, journalists, call_ids = prepare_accounts(url)
    statement_id = published_statement(url)
    log = work / "server.log"
    with log.open("wb") as stderr:
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "uvicorn"),
                "--factory",
                "app.main:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(PORT),
                "--workers",
                "1",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stderr=stderr,
        )
    healthy = False
    try:
        wait_until_up()
        began = time.monotonic()
        statement = f"/statements/{statement_id}"
        fetch(statement)
        drafters = []
        for email, call_id in zip(departments, call_ids, strict=True):
            who = signed_in(email)
            _status, sub, _cookies = call(
                "POST",
                "/api/v1/submissions",
                {"Cookie": who["cookie"], "X-CSRF-Token": who["csrf"]},
                {"call_id": call_id},
            )
            drafters.append({**who, "id": sub["id"], "revision": sub["revision"]})
        askers = [signed_in(email) for email in journalists]
        visitors = [anonymous_csrf() for _ in range(SIGNIN_CONNECTIONS)]
        print(
            f"soak: {len(drafters)} department officers and {len(askers)} journalists signed in, "
            f"submissions {', '.join(str(d['id']) for d in drafters)} started "
            f"({time.monotonic() - began:.1f} s)"
        )
        paths = [
            "/",
            "/statements",
            statement,
            "/feeds/statements.atom",
            "/briefings",
            "/spokespersons",
        ]
        kinds = [
            Kind(
                "public",
                PUBLIC_CONNECTIONS,
                min(2, PUBLIC_CONNECTIONS),
                LUA_PUBLIC,
                {"paths": paths},
            ),
            Kind(
                "signin",
                SIGNIN_CONNECTIONS,
                SIGNIN_CONNECTIONS,
                LUA_SIGNIN,
                {"email": SIGNIN_EMAIL, "password": PASSWORD, "threads": visitors},
            ),
            Kind("drafts", DRAFT_CONNECTIONS, DRAFT_CONNECTIONS, LUA_DRAFTS, {"threads": drafters}),
            Kind(
                "questions",
                QUESTION_CONNECTIONS,
                QUESTION_CONNECTIONS,
                LUA_QUESTIONS,
                {"threads": askers},
            ),
        ]
        print(
            f"soak: {SECONDS} s of {sum(k.connections for k in kinds)} connections "
            f"({', '.join(f'{k.name} {k.connections}' for k in kinds)}); public: {', '.join(paths)}"
        )
        results = run_wrk(work, kinds)
        try:
            fetch("/healthz")
            healthy = True
        except (urllib.error.URLError, ConnectionError, OSError) as exc:
            print(f"soak: /healthz after the run: {exc}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    questions, saves = written(url, journalists, [d["id"] for d in drafters])
    stderr_text = log.read_text(encoding="utf-8", errors="replace")
    tracebacks = stderr_text.count("Traceback")

    print(
        f"\nwrk, {SECONDS} s, four processes at once; one uvicorn worker, SQLite, demo data "
        "(2xx/3xx, 429, other errors: answers; other errors include socket errors and timeouts)"
    )
    header = (
        f"{'kind':<10} {'conns':>5} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'2xx/3xx':>8} {'429':>6} {'other errors':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.kind.name:<10} {r.kind.connections:>5} {r.requests:>9} "
            f"{r.requests / r.seconds:>8.1f} {r.p50:>8.1f} {r.p99:>8.1f} {r.ok:>8} "
            f"{r.limited:>6} {r.errors:>13}"
        )
    total = sum(r.requests for r in results)
    seconds = max(r.seconds for r in results)
    print(
        f"{'all':<10} {sum(r.kind.connections for r in results):>5} {total:>9} "
        f"{total / seconds:>8.1f} {'':>8} {'':>8} {sum(r.ok for r in results):>8} "
        f"{sum(r.limited for r in results):>6} {sum(r.errors for r in results):>13}"
    )
    failed = False
    for r in results:
        if r.errors:
            failed = True
            detail = ", ".join(
                [f"{n}× {s}" for s, n in sorted(r.statuses.items()) if not 200 <= s < 400]
                + [f"{n} socket {k}" for k, n in r.socket.items()]
            )
            print(f"soak: {r.kind.name} errors: {detail}")
    drafts = next(r for r in results if r.kind.name == "drafts")
    questions_ok = next(r for r in results if r.kind.name == "questions").statuses.get(201, 0)
    print(
        f"\nsoak: in the database, {questions} questions from the soak journalists "
        f"({questions_ok} answered 201) and {saves - sum(d['revision'] for d in drafters)} saves "
        f"of the soak submissions ({drafts.statuses.get(200, 0)} answered 200); the difference is "
        f"what was in flight when wrk stopped. {drafts.resyncs} re-reads after a failed save"
    )
    print(f"soak: /healthz after the run: {'200' if healthy else 'FAILED'}")
    if not healthy:
        failed = True
    if tracebacks:
        failed = True
        tail = "\n".join(stderr_text.splitlines()[-120:])
        print(f"soak: the server logged {tracebacks} tracebacks; the end of its stderr:\n{tail}")
    else:
        print("soak: no traceback in the server's stderr")
    if failed:
        print(f"soak: FAILED (the database and the server's log are kept in {work})")
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("soak: ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
