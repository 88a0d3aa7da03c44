"""The staff pages of issue 20 alone, without the rest of `make bench`:
`python -m tests.bench.staff`.

The data is that of `make bench` (tests/bench/run.py: BENCH_STATEMENTS statements over five years,
then tests/bench/reports.py: a year of work with BENCH_QUESTIONS questions, 60 briefings and 12
calls for content), seeded once into BENCH_STAFF_DIR (default: a temporary folder removed at the
end; a folder that already holds `bench.db` is reused, after `migrate`). One uvicorn worker serves
it on SQLite; the press office signs in through the login form. For each page: the time of one
request alone (median and slowest of BENCH_STAFF_SINGLE requests one after the other), then wrk at
1 and BENCH_STAFF_CONNECTIONS (8) connections for BENCH_SECONDS (8) seconds: p50 and p99 against
the issue's targets (p50 <= 10 ms and p99 <= 50 ms for the lists, p50 <= 100 ms for /reports).
Exit status 1 if a target at 8 connections is missed.

The pages are measured as deployed: the worker keeps each one for the session while no data
changes (app/staffcache), so after the first request the figures are those of a kept page;
STAFF_PAGE_CACHE_SECONDS=0 in the environment measures the renders alone.

BENCH_STAFF_PAGES (comma-separated names: dashboard,inbox,questions,statements,briefings,reports)
measures only some pages; BENCH_STAFF_PORT (8775) is the port served.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.bench import run

ROOT = run.ROOT
PYTHON = sys.executable
SINGLE = int(os.environ.get("BENCH_STAFF_SINGLE", "20"))
CONNECTIONS = run.STAFF_CONNECTIONS
# Its own port, so that it can run beside `make bench`; run's helpers read run.PORT.
run.PORT = int(os.environ.get("BENCH_STAFF_PORT", "8775"))


def pages(year: int) -> list[tuple[str, str, float, float | None]]:
    """(name, path, p50 target, p99 target) in ms."""
    report = f"/reports?from={year}-01-01&to={year}-12-31"
    found = [
        ("dashboard", "/dashboard", 10.0, 50.0),
        ("inbox", "/inbox", 10.0, 50.0),
        ("questions", "/office/questions", 10.0, 50.0),
        ("statements", "/office/statements", 10.0, 50.0),
        ("briefings", "/office/briefings", 10.0, 50.0),
        ("reports", report, 100.0, None),
    ]
    wanted = os.environ.get("BENCH_STAFF_PAGES")
    if wanted:
        names = set(wanted.split(","))
        found = [p for p in found if p[0] in names]
    return found


def single(path: str, cookie: dict[str, str]) -> tuple[float, float]:
    """Median and slowest time (ms) of SINGLE requests one after the other."""
    times = []
    for _ in range(SINGLE):
        began = time.perf_counter()
        with urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{run.PORT}{path}", headers=cookie),
            timeout=30,
        ) as r:
            r.read()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times)


def prepare(work: Path, url: str, env: dict[str, str]) -> int:
    """Migrate; seed the first time; returns the year of the reports."""
    fresh = not (work / "bench.db").exists()
    subprocess.run([PYTHON, "-m", "app.cli", "migrate"], env=env, cwd=ROOT, check=True)
    year_file = work / "year"
    if fresh:
        began = time.monotonic()
        os.environ.update(env)
        run.seed(url)
        year, in_year = run.seed_reports(url)
        year_file.write_text(str(year))
        print(
            f"staff bench: seeded in {time.monotonic() - began:.1f} s ({run.N} statements, "
            f"{run.QUESTIONS} questions in {year}, {in_year} statements in {year})"
        )
    return int(year_file.read_text())


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")
    kept = os.environ.get("BENCH_STAFF_DIR")
    work = Path(kept) if kept else Path(tempfile.mkdtemp(prefix="pressdesk-staff-"))
    work.mkdir(parents=True, exist_ok=True)
    env = run.server_env(work, "bench.db")
    url = env["DATABASE_URL"]
    year = prepare(work, url, env)
    server = run.serve("app.main:create_app", run.PORT, env)
    results = []
    try:
        run.wait_until_up(run.PORT)
        cookie = run.sign_in(run.OFFICE_EMAIL, run.OFFICE_PASSWORD)
        for name, path, p50_target, p99_target in pages(year):
            run.fetch(path, cookie)  # warm
            one, slowest = single(path, cookie)
            _r1, p50_1, p99_1, _t1 = run.wrk(path, 1, cookie, port=run.PORT)
            rps, p50, p99, timeouts = run.wrk(path, CONNECTIONS, cookie, port=run.PORT)
            ok = p50 <= p50_target and (p99_target is None or p99 <= p99_target) and not timeouts
            results.append(
                (name, one, slowest, p50_1, p99_1, rps, p50, p99, p50_target, p99_target, ok)
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"\none uvicorn worker, SQLite, {run.N} statements, {run.QUESTIONS} questions in {year}, "
        f"signed in as the press office; wrk -d{run.SECONDS}s"
    )
    print(
        f"{'page':<11} {'one ms':>7} {'max ms':>7} {'c1 p50':>7} {'c1 p99':>7} "
        f"{f'c{CONNECTIONS} req/s':>10} {f'c{CONNECTIONS} p50':>7} {f'c{CONNECTIONS} p99':>7} "
        f"{'target':>16}  result"
    )
    for name, one, slowest, p50_1, p99_1, rps, p50, p99, t50, t99, ok in results:
        target = f"p50≤{t50:.0f}" + (f", p99≤{t99:.0f}" if t99 is not None else "")
        print(
            f"{name:<11} {one:>7.1f} {slowest:>7.1f} {p50_1:>7.1f} {p99_1:>7.1f} {rps:>10.1f} "
            f"{p50:>7.1f} {p99:>7.1f} {target:>16}  {'ok' if ok else 'MISSED'}"
        )
    if not kept:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r[-1] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
