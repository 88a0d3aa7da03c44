"""The yardstick of `/healthz` in `make bench`: a bare FastAPI application with nothing but the
same route (a sync handler, `SELECT 1` through an engine made by `app.db.make_engine` on the same
database, the same JSON answer and header). Served by uvicorn beside the app in the same run, it
measures what FastAPI, Starlette and uvicorn cost on this machine, so that the app's per-request
overhead is the ratio between the two (the issue's target: at least 0.6)."""

from __future__ import annotations

import os

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from app.db import make_engine


def create_app() -> FastAPI:
    engine = make_engine(os.environ["DATABASE_URL"])
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

    @app.get("/healthz")
    def healthz() -> Response:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return JSONResponse(
            {"status": "ok", "database": "ok"}, headers={"Cache-Control": "no-store"}
        )

    return app
