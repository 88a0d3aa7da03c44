"""nginx started from deploy/nginx/pressdesk.conf, for the tests (tests/deploy) and `make bench`.

The shipped file is used as it is, with only the substitutions its header lists: the listen
ports, the certificate (a self-signed pair made here), the checkout's folder, the cache folder
and the upstream's `server` lines. It is included in a small main configuration (as Debian's
/etc/nginx/nginx.conf includes sites-enabled) whose temporary folders, pid and logs are all in
a folder of ours, so nginx runs as the current user, next to (never instead of) a system nginx.
Workers are uvicorn processes on unix sockets in the same folder, as deploy/systemd runs them.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_CONF = ROOT / "deploy" / "nginx" / "pressdesk.conf"
NGINX = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")


def nginx_missing() -> str | None:
    """Why nginx cannot be run here, or None."""
    if not (Path(NGINX).is_file() and os.access(NGINX, os.X_OK)):
        return f"nginx not found (set NGINX, or apt-get install nginx-light); looked at {NGINX}"
    return None


def site_config(
    *,
    https_port: int,
    http_port: int,
    cert: Path,
    key: Path,
    cache_dir: Path,
    upstreams: Sequence[str],
    root: Path = ROOT,
    text: str | None = None,
) -> str:
    """deploy/nginx/pressdesk.conf with the substitutions listed in its header."""
    conf = SITE_CONF.read_text() if text is None else text
    swaps = (
        (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"/etc/ssl/pressdesk/fullchain\.pem", str(cert)),
        (r"/etc/ssl/pressdesk/privkey\.pem", str(key)),
        (r"/var/cache/nginx/pressdesk", str(cache_dir)),
        (r"/srv/pressdesk", str(root)),
    )
    for pattern, value in swaps:
        conf, count = re.subn(pattern, lambda _m, v=value: v, conf)
        if not count:
            raise AssertionError(f"{SITE_CONF} no longer has {pattern!r}: update {__file__}")
    servers = "".join(f"    server {u};\n" for u in upstreams)
    conf, count = re.subn(
        r"(upstream pressdesk \{\n)(?:    server [^\n]+;\n)+", lambda m: m.group(1) + servers, conf
    )
    if count != 1:
        raise AssertionError(f"{SITE_CONF}: the upstream's server lines were not found")
    return conf


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (openssl, a few milliseconds with EC)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def main_config(folder: Path, site: Path, extra_http: str = "") -> str:
    """The main configuration around the site file: everything nginx writes goes to `folder`."""
    mime = f"include {MIME_TYPES};" if MIME_TYPES.is_file() else ""
    temp = "\n".join(
        f"    {name}_temp_path {folder / 'tmp' / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root nginx would hand its workers to `nobody`, who may not enter our folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
error_log {folder / "error.log"} warn;
events {{ worker_connections 1024; }}
http {{
    {mime}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    access_log off;
{temp}
{extra_http}
    include {site};
}}
"""


@dataclass
class Nginx:
    folder: Path
    https_port: int
    http_port: int
    process: subprocess.Popen[bytes] | None = None
    cert: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def start(self, upstreams: Sequence[str], extra_http: str = "", timeout: float = 10) -> None:
        """nginx from the shipped file in front of `upstreams`; `extra_http` is added to the
        http block (its __CERT__ and __KEY__ name the test certificate)."""
        (self.folder / "tmp").mkdir(parents=True, exist_ok=True)
        self.cert, key = self_signed(self.folder)
        site = self.folder / "pressdesk.conf"
        site.write_text(
            site_config(
                https_port=self.https_port,
                http_port=self.http_port,
                cert=self.cert,
                key=key,
                cache_dir=self.folder / "cache",
                upstreams=upstreams,
            )
        )
        conf = self.folder / "nginx.conf"
        extra = extra_http.replace("__CERT__", str(self.cert)).replace("__KEY__", str(key))
        conf.write_text(main_config(self.folder, site, extra))
        command = [NGINX, "-p", str(self.folder), "-e", str(self.folder / "error.log")]
        command += ["-c", str(conf)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx -t refused the configuration:\n{check.stderr}")
        self.process = subprocess.Popen(
            [*command, "-g", f"daemon off; pid {self.folder / 'nginx.pid'};"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_for_port(self.https_port, timeout, self.process)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None


def wait_for_port(port: int, timeout: float, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"exited with {process.returncode}: {err}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def start_worker(
    sock: Path, env: Mapping[str, str], *, factory: str = "app.main:create_app"
) -> subprocess.Popen[bytes]:
    """One uvicorn worker on a unix socket, as pressdesk@.service runs it (proxy headers
    trusted: only nginx can reach the socket)."""
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "uvicorn"),
            "--factory",
            factory,
            "--uds",
            str(sock),
            "--proxy-headers",
            "--forwarded-allow-ips",
            "*",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env=dict(env),
        cwd=ROOT,
    )


def wait_for_socket(sock: Path, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker on {sock} exited with {process.returncode}")
        if sock.exists():
            try:
                with socket.socket(socket.AF_UNIX) as s:
                    s.connect(str(sock))
                    s.sendall(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    if s.recv(12).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
        time.sleep(0.05)
    raise RuntimeError(f"the worker on {sock} did not answer /healthz within {timeout} s")
