"""deploy/systemd: every unit parses; every job's service runs a real `pressdesk` command and has
its timer; the workers are the sockets nginx lists and run no periodic job themselves (the timers
do, once, whatever the number of workers); every service is hardened; the environment file's
example names real settings. `systemd-analyze verify` checks them too where it is installed."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from app.cli import build_parser
from app.config import Settings

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
NGINX_CONF = ROOT / "deploy" / "nginx" / "pressdesk.conf"
ENV_EXAMPLE = ROOT / "deploy" / "pressdesk.env.example"
HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "PrivateTmp": "yes",
    "ProtectHome": "yes",
}
# The in-process jobs of a worker (app/main.py's lifespan) and the timer that runs each instead.
IN_PROCESS = {
    "SCHEDULER_INTERVAL_SECONDS": "publish-due",
    "MAIL_SEND_INTERVAL_SECONDS": "send-mail",
    "MONITORING_INTERVAL_SECONDS": "watch-feeds",
}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    # Continuation lines ("\" at the end) joined, as systemd reads them.
    parser.read_string(re.sub(r"\\\n\s*", " ", path.read_text()))
    return parser


def subcommands() -> set[str]:
    action = next(a for a in build_parser()._actions if a.dest == "command")
    return set(action.choices)  # type: ignore[arg-type]


def test_every_job_runs_a_real_command_and_has_its_timer() -> None:
    services = {p.stem: unit(p) for p in UNITS.glob("pressdesk-*.service")}
    timers = {p.stem: unit(p) for p in UNITS.glob("pressdesk-*.timer")}
    commands = subcommands()
    for name, service in services.items():
        argv = shlex.split(service["Service"]["ExecStart"])
        assert argv[0] == "/srv/pressdesk/.venv/bin/pressdesk", name
        assert argv[1] in commands, f"{name}: `pressdesk {argv[1]}` does not exist"
        assert name == f"pressdesk-{argv[1]}"
        assert service["Service"]["Type"] == "oneshot"
    assert set(timers) <= set(services), "a timer without its service"
    for timer in timers.values():
        assert "OnCalendar" in timer["Timer"] and timer["Install"]["WantedBy"] == "timers.target"
    jobs = {"publish-due", "send-mail", "watch-feeds", "extend-series", "sweep-uploads"}
    assert {f"pressdesk-{j}" for j in jobs} == set(timers)
    assert set(services) - set(timers) == {"pressdesk-migrate"}  # run before the workers


def test_workers_are_the_sockets_nginx_lists_and_run_no_job_themselves() -> None:
    worker = unit(UNITS / "pressdesk@.service")["Service"]
    argv = shlex.split(worker["ExecStart"])
    assert argv[0] == "/usr/bin/env"
    forced = dict(a.split("=", 1) for a in argv[1:] if re.fullmatch(r"[A-Z_]+=\S*", a))
    assert forced == {k: "0" for k in IN_PROCESS}
    for variable, job in IN_PROCESS.items():
        assert hasattr(Settings(), variable.lower())
        assert (UNITS / f"pressdesk-{job}.timer").is_file()
    uvicorn = argv[len(forced) + 1 :]
    assert uvicorn[0].endswith("/uvicorn") and "app.main:create_app" in uvicorn
    assert "--proxy-headers" in uvicorn and "--forwarded-allow-ips=*" in uvicorn
    socket = uvicorn[uvicorn.index("--uds") + 1]
    target = unit(UNITS / "pressdesk.target")["Unit"]["Wants"].split()
    sockets = [socket.replace("%i", name[len("pressdesk@") : -len(".service")]) for name in target]
    listed = re.findall(r"server unix:(\S+);", NGINX_CONF.read_text())
    assert listed == sockets == [f"/run/pressdesk/worker-{i}.sock" for i in (1, 2, 3, 4)]


def test_every_service_is_hardened_and_reads_the_environment_file() -> None:
    for path in UNITS.glob("*.service"):
        service = unit(path)["Service"]
        for key, value in HARDENING.items():
            assert service.get(key) == value, (path.name, key)
        assert "/srv/pressdesk/var" in service["ReadWritePaths"].split(), path.name
        assert service["EnvironmentFile"] == "/etc/pressdesk/pressdesk.env", path.name
        assert service["User"] == "pressdesk", path.name


def test_the_environment_example_names_real_settings_and_what_production_needs() -> None:
    names = [
        line.split("=", 1)[0]
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    ]
    fields = set(Settings.model_fields)
    unknown = [n for n in names if n.lower() not in fields]
    assert not unknown, f"not settings of app/config.py: {unknown}"
    needed = {"ENVIRONMENT", "SECRET_KEY", "PUBLIC_BASE_URL", "DATABASE_URL"}
    assert needed <= set(names)


def test_systemd_analyze_verify_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # The checkout in place of /srv/pressdesk, so that the programs the units start exist.
    for path in UNITS.iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/pressdesk", str(ROOT)))
    names = [p.name for p in UNITS.iterdir() if p.name != "pressdesk@.service"]
    r = subprocess.run(
        [analyze, "verify", "--man=no", "pressdesk@1.service", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0 and not r.stderr.strip(), r.stderr
