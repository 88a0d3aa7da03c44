"""`make bench`: the public newsroom under load, measured against a floor in the same run.

1. A fresh SQLite database in a temporary folder gets the reference data and 10,000 published
   statements (about a third with an English translation, over five years, with topics).
2. One uvicorn worker serves the app on loopback with BENCH_ROUTES on; each measured page is
   fetched once and its bytes saved, so that `/_bench/floor/<name>` answers the same bytes from
   memory: the floor of this app on this machine.
3. `wrk` (Debian's) runs against the floor and the page in turn, for a statement page, the first
   page of the list, a search and the Atom feed; requests per second and p99 latency are reported
   with the ratio page/floor, against the targets of the issue (statement and feed ≥ 0.5 and
   p99 < 100 ms at 32 connections; list and search ≥ 0.25). Exit status 1 if a target is missed.

Options through the environment: BENCH_STATEMENTS (10000), BENCH_SECONDS (8), BENCH_CONNECTIONS
(32), BENCH_PORT (8765).
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
N = int(os.environ.get("BENCH_STATEMENTS", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))

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


def fetch(path: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as r:
        return r.read(), r.headers.get("content-type", "text/html")


def wait_until_up() -> None:
    for _ in range(150):
        try:
            fetch("/healthz")
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise SystemExit("bench: the server did not start")


def wrk(path: str) -> tuple[float, float]:
    """Requests per second and p99 latency (ms)."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    if "Non-2xx" in out:
        raise SystemExit(f"bench: {path} answered errors under load:\n{out}")
    return rps, p99


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is missing (Debian: apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="pressdesk-bench-"))
    url = f"sqlite:///{work}/bench.db"
    env = os.environ | {
        "DATABASE_URL": url,
        "CACHE_DIR": str(work / "cache"),
        "UPLOAD_DIR": str(work / "uploads"),
        "BENCH_ROUTES": "true",
        "SCHEDULER_INTERVAL_SECONDS": "0",
        "ENVIRONMENT": "development",
    }
    subprocess.run([PYTHON, "-m", "app.cli", "migrate"], env=env, cwd=ROOT, check=True)
    began = time.monotonic()
    os.environ.update(env)
    middle = seed(url)
    print(f"bench: {N} statements seeded in {time.monotonic() - began:.1f} s ({work})")
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
    )
    targets = (
        ("statement", f"/statements/{middle}", 0.5, 100.0),
        ("list", "/statements", 0.25, None),
        ("search", "/statements?q=van+don", 0.25, None),
        ("feed", "/feeds/statements.atom", 0.5, 100.0),
    )
    rows = []
    try:
        wait_until_up()
        floor_dir = work / "cache" / "bench"
        floor_dir.mkdir(parents=True, exist_ok=True)
        for name, path, _ratio, _p99 in targets:
            body, ctype = fetch(path)
            (floor_dir / name).write_bytes(body)
            (floor_dir / f"{name}.type").write_text(ctype)
            fetch(f"/_bench/floor/{name}")
        for name, path, ratio, p99_max in targets:
            floor_rps, floor_p99 = wrk(f"/_bench/floor/{name}")
            rps, p99 = wrk(path)
            ok = rps / floor_rps >= ratio and (p99_max is None or p99 < p99_max)
            rows.append((name, path, rps, p99, floor_rps, floor_p99, rps / floor_rps, ratio, ok))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\nwrk -t2 -c{CONNECTIONS} -d{SECONDS}s, one uvicorn worker, SQLite, {N} statements")
    print(
        f"{'page':<10} {'req/s':>9} {'p99 ms':>8} {'floor req/s':>12} {'floor p99':>10} "
        f"{'ratio':>6} {'target':>7}  result"
    )
    for name, _path, rps, p99, frps, fp99, ratio, target, ok in rows:
        print(
            f"{name:<10} {rps:>9.0f} {p99:>8.1f} {frps:>12.0f} {fp99:>10.1f} "
            f"{ratio:>6.2f} {'≥' + str(target):>7}  {'ok' if ok else 'MISSED'}"
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r[-1] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
