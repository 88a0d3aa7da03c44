"""`make bench` through the front proxy: nginx started from deploy/nginx/pressdesk.conf (as the
tests do, tests/deploy/nginx.py) in front of TWO uvicorn workers on unix sockets, over HTTPS.

The floor of a public page is the same nginx serving the page's bytes from a file: a second
`server` block of the same nginx (same TLS, same worker process), which the page's bytes are
written to after one fetch through the proxy. wrk measures both at the same connection count.
"""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.deploy.nginx import Nginx, nginx_missing, start_worker, wait_for_socket
from tests.support import free_port

WORKERS = 2
FILE_SERVER = """
    # make bench only: the same page bytes served from files, the floor of the proxy's figures.
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate __CERT__;
        ssl_certificate_key __KEY__;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:bench_files_tls:1m;
        root {root};
        location / {{ try_files $uri =404; }}
    }}
"""


@dataclass
class Proxy:
    nginx: Nginx
    workers: list[subprocess.Popen[bytes]]
    files: Path
    file_port: int

    @property
    def url(self) -> str:
        return self.nginx.url

    @property
    def file_url(self) -> str:
        return f"https://127.0.0.1:{self.file_port}"

    def tls(self) -> ssl.SSLContext:
        """Trusts the test certificate (for urllib: the bench's fetches and sign-in)."""
        return ssl.create_default_context(cafile=str(self.nginx.cert))

    def stop(self) -> None:
        self.nginx.stop()
        for worker in self.workers:
            worker.terminate()
        for worker in self.workers:
            worker.wait(timeout=10)


def start(work: Path, env: Mapping[str, str]) -> Proxy:
    missing = nginx_missing()
    if missing:
        raise SystemExit(f"bench: {missing}")
    folder = work / "nginx"
    files = folder / "files"
    files.mkdir(parents=True)
    sockets = [work / f"worker-{i}.sock" for i in range(1, WORKERS + 1)]
    workers = [start_worker(sock, env) for sock in sockets]
    nginx = Nginx(folder, https_port=free_port(), http_port=free_port())
    file_port = free_port()
    proxy = Proxy(nginx, workers, files, file_port)
    try:
        for sock, worker in zip(sockets, workers, strict=True):
            wait_for_socket(sock, worker, timeout=60)
        nginx.start(
            [f"unix:{sock}" for sock in sockets],
            FILE_SERVER.format(port=file_port, root=files),
        )
    except BaseException:
        proxy.stop()
        raise
    return proxy
