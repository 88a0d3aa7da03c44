"""Named errors that services and rules raise, and the titles of the error pages (rendered by
`app.error_pages`)."""

from __future__ import annotations

from starlette.exceptions import HTTPException as StarletteHTTPException

from app.i18n import N_, Msg


class AppError(Exception):
    """A failure the user should see explained; `status` picks the page."""

    status = 400
    title = N_("The request could not be completed")

    def __init__(self, detail: Msg | None = None) -> None:
        super().__init__(detail.text if detail else self.title)
        self.detail = detail


class NotAuthenticated(AppError):
    status = 401
    title = N_("Please sign in")


class Forbidden(AppError):
    status = 403
    title = N_("You do not have access to this page")


class CsrfFailed(Forbidden):
    title = N_("The form has expired")

    def __init__(self) -> None:
        super().__init__(
            Msg(
                "For your security the form could not be accepted. Go back, reload the page and send it again."
            )
        )


class PasswordChangeRequired(Forbidden):
    title = N_("Please choose a new password first")


class NotFound(AppError):
    status = 404
    title = N_("Page not found")


class Conflict(AppError):
    status = 409
    title = N_("This change conflicts with the current state")


STALE = Msg(
    "Someone else changed this while you were editing it. Your changes were not saved: "
    "reload the page to see the current version."
)


class TooManyRequests(AppError):
    status = 429
    title = N_("Too many attempts")

    def __init__(self, retry_after: int, detail: Msg | None = None) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)


class ValidationFailed(AppError):
    """Field errors from a service; routes show them beside the fields."""

    status = 422
    title = N_("Please correct the highlighted fields")

    def __init__(self, errors: dict[str, Msg]) -> None:
        super().__init__(None)
        self.errors = errors


class PayloadTooLarge(StarletteHTTPException):
    """Raised while the body is read; an HTTPException so FastAPI passes it through."""

    def __init__(self, limit: int | None = None) -> None:
        super().__init__(status_code=413)
        self.limit = limit


class IncompleteUpload(StarletteHTTPException):
    """A multipart body that stopped before its closing boundary (a broken upload)."""

    def __init__(self) -> None:
        super().__init__(status_code=400)


class FileTooLarge(AppError):
    """One uploaded file is over the size cap; nothing of the upload was kept."""

    status = 413
    title = N_("The upload is too large")


class UnsupportedFile(AppError):
    """An uploaded file's content is not one of the accepted types; nothing was kept."""

    status = 415
    title = N_("This type of file is not accepted")


TITLES: dict[int, str] = {
    400: N_("The request could not be completed"),
    401: N_("Please sign in"),
    403: N_("You do not have access to this page"),
    404: N_("Page not found"),
    405: N_("This action is not available here"),
    409: N_("This change conflicts with the current state"),
    413: N_("The upload is too large"),
    415: N_("This type of file is not accepted"),
    422: N_("Please correct the highlighted fields"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("The service is temporarily unavailable"),
}

DETAILS: dict[int, str] = {
    401: N_("Sign in to continue."),
    403: N_(
        "Your account does not have the right to do this. Ask the spokesperson's office if you think it should."
    ),
    404: N_("The address may be mistyped, or the page may have been moved or removed."),
    405: N_("Go back and try again from the page."),
    413: N_("The request is larger than this site accepts. Send smaller files or fewer at once."),
    422: N_("Some of the values sent are not valid."),
    429: N_("Wait a few minutes, then try again."),
    500: N_(
        "The error has been recorded. Try again in a moment; if it keeps happening, tell the administrator."
    ),
    503: N_(
        "The database cannot be reached just now. Nothing you sent was saved; please try again in a few minutes."
    ),
}
