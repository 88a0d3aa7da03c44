"""A real HTTP server on loopback for the watcher's tests: it serves recorded feeds, answers
conditional requests with 304, and can be told to fail, to be slow or to redirect. No test
reaches the internet."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FEEDS = Path(__file__).parent / "feeds"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""
    delay: float = 0.0
    location: str = ""


@dataclass
class FeedServer:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    conditional: dict[str, int] = field(default_factory=dict)  # requests that sent If-None-Match
    url: str = ""

    def serve(self, path: str, route: Route) -> str:
        self.routes[path] = route
        return self.url + path

    def serve_file(self, path: str, name: str, **kw: object) -> str:
        return self.serve(path, Route(body=(FEEDS / name).read_bytes(), **kw))  # type: ignore[arg-type]


def start() -> Iterator[FeedServer]:
    state = FeedServer()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path
            state.hits[path] = state.hits.get(path, 0) + 1
            route = state.routes.get(path)
            if route is None:
                self.send_error(404)
                return
            if route.delay:
                time.sleep(route.delay)
            if route.location:
                self.send_response(302)
                self.send_header("Location", route.location)
                self.end_headers()
                return
            sent = self.headers.get("If-None-Match")
            if sent:
                state.conditional[path] = state.conditional.get(path, 0) + 1
            if route.etag and sent == route.etag:
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            if route.etag:
                self.send_header("ETag", route.etag)
            self.end_headers()
            # The watcher may stop reading (a feed it cut).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
