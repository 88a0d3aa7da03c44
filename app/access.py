"""Who may use what: the identity of a request and the access rule every route declares.

Every route depends on exactly one `Rule` (tests walk the route table to prove it). A rule
loads the identity, checks CSRF on state-changing methods and the role; HTML pages send the
anonymous to the login page, the JSON API answers 401, the signed-in without the right get 403.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.exc import OperationalError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.accounts import service as accounts
from app.accounts.models import OFFICE_ROLES, Role, User, UserStatus
from app.audit.service import Actor
from app.cookies import queue_cookie, settings_cookie
from app.errors import CsrfFailed, Forbidden, NotAuthenticated, PasswordChangeRequired
from app.security import CookieSigner, new_token, same

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Identity:
    """The person behind a request (or nobody), with the CSRF token their forms must carry. An
    anonymous visitor without a token gets one (`issue`) the first time `csrf_token` is read."""

    user: User | None
    session_id: str | None
    csrf: str
    address: str | None
    issue: Callable[[], str] | None = field(default=None, repr=False, compare=False)

    @property
    def csrf_token(self) -> str:
        if not self.csrf and self.issue is not None:
            object.__setattr__(self, "csrf", self.issue())  # once: the cookie is queued once
        return self.csrf

    @property
    def actor(self) -> Actor:
        u = self.user
        return Actor(
            user_id=u.id if u else None,
            email=u.email if u else None,
            role=u.role.value if u else None,
            organisation_id=u.organisation_id if u else None,
            address=self.address,
        )


def client_address(request: Request) -> str | None:
    # uvicorn --proxy-headers puts the real client here when behind a trusted reverse proxy.
    return request.client.host if request.client else None


log = logging.getLogger(__name__)


def session_signer(request: Request) -> CookieSigner:
    return CookieSigner(request.app.state.settings.secret_key, salt="session")


async def load_identity(request: Request) -> Identity:
    """The dependency of every rule: `identify`, in a worker thread with a session of its own
    only when there is a session cookie to look up. An anonymous request never waits for a
    thread or the database, and a route that needs no database (a probe, a cached page) makes
    no session at all."""
    cached: Identity | None = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    if request.cookies.get(settings_cookie(request.app.state.settings, "session")):
        return await run_in_threadpool(_identify_signed_in, request)
    return identify(request, None)


def _identify_signed_in(request: Request) -> Identity:
    """`identify` in its own short session; the sliding expiry it may write is committed here,
    at best: a database refusing writes (locked, read-only) must not stop a person reading."""
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        identity = identify(request, session)
        if session.dirty or session.deleted:  # last use moved on, or an expired row removed
            try:
                session.commit()
            except OperationalError:
                session.rollback()
                log.warning("could not write the session's last use (the database refused)")
        return identity


def identify(request: Request, session: Session | None) -> Identity:
    """Find the signed-in user from the session cookie; otherwise an anonymous identity."""
    cached: Identity | None = getattr(request.state, "identity", None)
    if cached is not None:
        return cached
    settings = request.app.state.settings
    token = session_signer(request).unsign(
        request.cookies.get(settings_cookie(settings, "session"))
    )
    found = None
    if token and session is not None:
        found = accounts.load_session(session, settings=settings, token=token)
    if found and session is not None:
        user_session, user = found
        # The identity keeps the user as loaded now: a use case that fails rolls its session back,
        # which must not unload the person the error page is shown to.
        session.expunge(user)
        identity = Identity(user, user_session.id, user_session.csrf_token, client_address(request))
    else:
        csrf = request.cookies.get(settings_cookie(settings, "csrf"), "")
        identity = Identity(
            None,
            None,
            csrf if valid_csrf_token(csrf) else "",
            client_address(request),
            issue=lambda: _issue_csrf(request),
        )
    request.state.identity = identity
    return identity


def _issue_csrf(request: Request) -> str:
    """A new CSRF token for an anonymous visitor, in a cookie with the response: made only when
    something needs it (a page with a form, the API's session), not for a feed or a probe."""
    settings = request.app.state.settings
    token = new_token()
    queue_cookie(
        request,
        settings_cookie(settings, "csrf"),
        token,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        path="/",
    )
    return token


def valid_csrf_token(value: str) -> bool:
    """A token we could have issued (the anonymous visitor's CSRF cookie)."""
    return 20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()


def current_identity(request: Request) -> Identity | None:
    """The identity already loaded for this request, if any (for templates and error pages)."""
    return getattr(request.state, "identity", None)


def page_context(request: Request) -> dict[str, Any]:
    """For every page: who is signed in and the CSRF token their forms carry."""
    identity = current_identity(request)
    return {
        "identity": identity,
        "user": identity.user if identity else None,
        "csrf_token": identity.csrf_token if identity else "",
    }


async def check_csrf(request: Request, identity: Identity) -> None:
    """Double-submit check: the header (HTMX, API) or the hidden form field (plain forms).

    Either may carry the token; one that matches this session's token is enough.
    """
    sent = [request.headers.get(CSRF_HEADER)]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        sent.append(value if isinstance(value, str) else None)
    if not any(token and same(token, identity.csrf_token) for token in sent):
        raise CsrfFailed()


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port of an address (the default port spelled out), or None."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, parts.hostname.lower(), port or default


def same_origin(request: Request) -> bool | None:
    """Whether the browser says the request comes from a page of this site (OWASP: verifying the
    origin with standard headers): `Sec-Fetch-Site` first (every current browser sends it),
    else the `Origin` header, else the `Referer`, each compared with the site's address
    (`PUBLIC_BASE_URL`) and with the address the request was made to. None when the request
    carries none of them (a client that is not a browser, or a very old one)."""
    headers = request.headers
    site = headers.get("sec-fetch-site")
    if site:
        return site in ("same-origin", "none")  # none: the person's own action (address bar)
    sent = headers.get("origin") or headers.get("referer")
    if not sent:
        return None
    own = {_origin(request.app.state.settings.public_base_url), _origin(str(request.base_url))}
    found = _origin(sent)  # "null" (an opaque origin) is no origin: refused
    return found is not None and found in own


async def check_origin(request: Request, identity: Identity) -> None:
    """For a change that is only this browser's preference (the language): a page of another
    site may not make it. Pages shared by every visitor carry no token, so the browser's origin
    headers are the proof; a request without any of them must carry the token like any form."""
    verdict = same_origin(request)
    if verdict is None:
        await check_csrf(request, identity)
    elif not verdict:
        raise CsrfFailed()


@dataclass(frozen=True)
class Rule:
    """An access rule: `roles` None means everyone, signed in or not."""

    name: str
    roles: frozenset[Role] | None
    active_only: bool = True  # False: also pending journalists and those who must change password
    csrf: bool = True  # False only where a secret token in the address is the authority
    origin: bool = False  # True: the browser's origin headers instead of the token (check_origin)

    def permits(self, user: User | None) -> bool:
        if self.roles is None:
            return True
        if user is None or user.role not in self.roles or user.status == UserStatus.DISABLED:
            return False
        return not self.active_only or user.status == UserStatus.ACTIVE

    async def __call__(self, request: Request) -> Identity:
        # load_identity called here rather than declared as a sub-dependency: one dependency
        # fewer for FastAPI to solve on every request.
        identity = await load_identity(request)
        if self.roles is not None:
            if identity.user is None:
                raise NotAuthenticated()
            if not self.permits(identity.user):
                raise Forbidden()
            if self.active_only and identity.user.must_change_password:
                raise PasswordChangeRequired()
        if request.method not in SAFE_METHODS:
            if self.origin:
                await check_origin(request, identity)
            elif self.csrf:
                await check_csrf(request, identity)
        return identity


ALL_ROLES = frozenset(Role)
PUBLIC = Rule("public", None)
SIGNED_IN = Rule("signed_in", ALL_ROLES, active_only=False)
ACTIVE_USER = Rule("active_user", ALL_ROLES)
ADMIN = Rule("admin", frozenset({Role.ADMIN}))
OFFICE = Rule("office", OFFICE_ROLES)
DEPARTMENT = Rule("department", frozenset({Role.DEPARTMENT}))
JOURNALIST = Rule("journalist", frozenset({Role.JOURNALIST}))
# The office and departments: department content (each service narrows it to what they may see).
STAFF = Rule("staff", frozenset({Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT}))
# Reports: the office and the administrator see the province, a department its own figures.
REPORTS = Rule(
    "reports",
    frozenset({Role.ADMIN, Role.PRESS_OFFICE, Role.SPOKESPERSON, Role.DEPARTMENT}),
)
# The province's yearly report to the Ministry: the office and the administrator read it.
PROVINCE_REPORT = Rule("province_report", frozenset({Role.ADMIN, *OFFICE_ROLES}))
# The one-click unsubscribe of mail clients (RFC 8058): a POST without our CSRF token, whose
# authority is the secret token in its address; it can only end that one subscription.
PUBLIC_BY_TOKEN = Rule("public_by_token", None, csrf=False)
# A preference of this browser (the language switch, on pages shared by every visitor and so
# without a token): anyone may change it, but only from a page of this site (`check_origin`).
PUBLIC_PREFERENCE = Rule("public_preference", None, origin=True)
# A journalist's own account (the profile with the press card): also while pending or rejected.
JOURNALIST_ACCOUNT = Rule("journalist_account", frozenset({Role.JOURNALIST}), active_only=False)
RULES = (
    PUBLIC,
    SIGNED_IN,
    ACTIVE_USER,
    ADMIN,
    OFFICE,
    DEPARTMENT,
    JOURNALIST,
    STAFF,
    REPORTS,
    PROVINCE_REPORT,
    PUBLIC_BY_TOKEN,
    PUBLIC_PREFERENCE,
    JOURNALIST_ACCOUNT,
)

# Routes that are not FastAPI routes (so cannot depend on a rule) and are public by design.
PUBLIC_MOUNTS = frozenset({"/static", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})

# What routes write as their identity parameter, one per rule.
Public = Annotated[Identity, Depends(PUBLIC)]
SignedIn = Annotated[Identity, Depends(SIGNED_IN)]
ActiveUser = Annotated[Identity, Depends(ACTIVE_USER)]
AdminOnly = Annotated[Identity, Depends(ADMIN)]
OfficeOnly = Annotated[Identity, Depends(OFFICE)]
DepartmentOnly = Annotated[Identity, Depends(DEPARTMENT)]
JournalistOnly = Annotated[Identity, Depends(JOURNALIST)]
StaffOnly = Annotated[Identity, Depends(STAFF)]
ReportReaders = Annotated[Identity, Depends(REPORTS)]
ProvinceReportReaders = Annotated[Identity, Depends(PROVINCE_REPORT)]
PublicByToken = Annotated[Identity, Depends(PUBLIC_BY_TOKEN)]
PublicPreference = Annotated[Identity, Depends(PUBLIC_PREFERENCE)]
JournalistAccount = Annotated[Identity, Depends(JOURNALIST_ACCOUNT)]
