"""The application factory: settings, database, templates, middleware, routes, error pages."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from app import (
    access,
    flash,
    models,  # noqa: F401 - registers every table
    sweep,
)
from app.accounts import api as accounts_api
from app.accounts import journalist_routes as accounts_journalists
from app.accounts import routes as accounts_routes
from app.annual import web as annual_web
from app.attendance.web import journalist as attendance_journalist
from app.attendance.web import office as attendance_office
from app.audit import routes as audit_routes
from app.briefings.web import api as briefings_api
from app.briefings.web import briefing as briefings_briefing
from app.briefings.web import calendar as briefings_calendar
from app.briefings.web import compliance as briefings_compliance
from app.briefings.web import feeds as briefings_feeds
from app.briefings.web import public as briefings_public
from app.briefings.web import series as briefings_series
from app.config import Settings, get_settings
from app.content.web import agenda as content_agenda
from app.content.web import api as content_api
from app.content.web import calls as content_calls
from app.content.web import pack as content_pack
from app.content.web import submissions as content_submissions
from app.db import make_engine
from app.editor import routes as editor_routes
from app.error_pages import install_handlers
from app.forms import check_request
from app.giaoban import routes as giaoban_routes
from app.holidays import routes as holidays_routes
from app.inbox import routes as inbox_routes
from app.incidents import routes as incidents_routes
from app.law import page as law_page
from app.middleware import (
    UPLOAD_PATHS,
    AllowedHostsMiddleware,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
)
from app.monitoring import api as monitoring_api
from app.monitoring import routes as monitoring_routes
from app.monitoring import watcher as monitoring_watcher
from app.monitoring import work_routes as monitoring_work
from app.notifications import routes as notifications_routes
from app.notifications import scheduler as notifications_scheduler
from app.notifications import service as notifications_service
from app.notifications import subscription_routes
from app.orgs import api as orgs_api
from app.orgs import routes as orgs_routes
from app.pages import health as pages_health
from app.pages import nav
from app.pages import routes as pages_routes
from app.questions.web import agencies as questions_agencies
from app.questions.web import answers as questions_answers
from app.questions.web import api as questions_api
from app.questions.web import api_people as questions_api_people
from app.questions.web import journalist as questions_journalist
from app.questions.web import moderator as questions_moderator
from app.questions.web import office as questions_office
from app.questions.web import room as questions_room
from app.reports import api as reports_api
from app.reports import routes as reports_routes
from app.sitepages import routes as sitepages_routes
from app.staffcache import cache as staff_cache
from app.staffcache.cache import StaffPageMiddleware
from app.statements import cache as statements_cache
from app.statements import scheduler as statements_scheduler
from app.statements.web import api as statements_api
from app.statements.web import drafting as statements_drafting
from app.statements.web import edition as statements_edition
from app.statements.web import feeds as statements_feeds
from app.statements.web import office as statements_office
from app.statements.web import preview as statements_preview
from app.statements.web import public as statements_public
from app.statements.web import register as statements_register
from app.storage import store_for
from app.templating import STATIC_DIR, create_env

API_DESCRIPTION = """
The Press Desk JSON API. It uses the same rules as the web pages.

Sign in with `POST /api/v1/session` (a session cookie is set). Every change (POST, PUT, PATCH,
DELETE) must carry the `X-CSRF-Token` header with the token that `GET /api/v1/session` or the
sign-in returns. Errors are `application/problem+json` (RFC 9457).
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The background jobs of a worker, with the settings and engine the app holds at start-up."""
    settings: Settings = app.state.settings
    engine = app.state.engine
    try:  # what a killed upload left behind; never stops the worker from starting
        await asyncio.to_thread(sweep.sweep, engine, app.state.store)
    except Exception:
        logging.getLogger(__name__).exception("sweeping the store of uploads failed")
    task = None
    if settings.scheduler_interval_seconds:
        task = asyncio.create_task(
            statements_scheduler.run(
                engine, settings.scheduler_interval_seconds, settings.statement_numbers_file
            )
        )
    mail_task = None
    if settings.mail_send_interval_seconds > 0:  # reminders need no SMTP; mail waits for it
        mail_task = asyncio.create_task(notifications_scheduler.run(engine, settings))
    watch_task = None
    if settings.monitoring_interval_seconds > 0:
        watch_task = asyncio.create_task(monitoring_watcher.run(engine, settings))
    yield
    for running in (task, mail_task, watch_task):
        if running is not None:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
    engine.dispose()


def configure(app: FastAPI, settings: Settings, engine: Engine | None = None) -> None:
    """Give the app its settings, database engine, templates, store of uploads and public page
    cache.

    Everything that depends on settings is here and read from `app.state` per request, so the
    routes (which FastAPI prepares on the first request, the costly part) are built once. The test
    suite calls this again to point one built application at each test's database, with an engine
    it keeps (SQLAlchemy caches compiled statements per engine).
    """
    settings.check_production()
    app.state.settings = settings
    app.state.engine = engine or make_engine(settings.database_url)
    app.state.templates = create_env(settings)
    app.state.store = store_for(settings)  # uploaded files: the local folder or an object store
    statements_cache.install(app)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; `uvicorn --factory app.main:create_app` calls this."""
    settings = settings or get_settings()
    settings.check_production()
    app = FastAPI(
        title="Press Desk API",
        version="1.0",
        description=API_DESCRIPTION,
        docs_url=None if settings.is_production else "/docs",
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(check_request)],  # ids, numbers, dates and text within bounds
    )
    configure(app, settings)
    app.state.page_context = (
        law_page.page_context,
        access.page_context,
        nav.page_context,
        flash.page_context,
        notifications_service.page_context,
        inbox_routes.page_context,
    )

    app.add_middleware(StaffPageMiddleware)  # pages kept for a session (app.staffcache)
    app.add_middleware(statements_cache.FastPathMiddleware)  # inside: security headers apply
    app.add_middleware(AllowedHostsMiddleware)  # before the cache is asked
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, upload_paths=UPLOAD_PATHS)
    install_handlers(app)

    # Routes are matched in order: the public newsroom and its feeds, which take the load on a
    # busy news day, come first (their paths clash with no other route).
    for router in (
        pages_health.router,  # probes, first: two routes that clash with nothing
        statements_feeds.router,
        statements_public.router,
        pages_routes.router,
        accounts_routes.router,
        accounts_journalists.router,
        orgs_routes.router,
        audit_routes.router,
        holidays_routes.router,
        briefings_calendar.router,
        briefings_briefing.router,
        briefings_series.router,
        briefings_compliance.router,
        briefings_feeds.router,  # before the public pages: /briefings/{id}.ics
        briefings_public.router,
        attendance_journalist.router,
        attendance_office.router,
        content_calls.router,
        content_submissions.router,
        content_agenda.router,
        content_pack.router,
        questions_moderator.router,
        questions_room.router,
        questions_answers.router,
        questions_office.router,  # after answers: its steps are /{id}/{action}
        questions_journalist.router,
        questions_agencies.router,
        statements_drafting.router,
        statements_edition.router,
        statements_preview.router,  # /office/statements/{id}/preview before the steps
        statements_office.router,  # after the three above: its steps are /{id}/{action}
        statements_register.router,
        reports_routes.router,
        annual_web.router,
        incidents_routes.router,
        monitoring_routes.router,
        monitoring_work.router,
        giaoban_routes.router,
        sitepages_routes.router,
        notifications_routes.router,
        inbox_routes.router,
        subscription_routes.router,
        editor_routes.router,
        accounts_api.router,
        orgs_api.router,
        briefings_api.router,
        content_api.router,
        questions_api_people.router,
        questions_api.router,
        statements_api.router,
        reports_api.router,
        monitoring_api.router,
        annual_web.api,
    ):
        app.include_router(router)
    staff_cache.install(app)  # the routes marked @kept are known now
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
