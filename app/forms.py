"""Reading HTML form values, and the bounds of every input, defined once for the pages and the
JSON API: numbers, dates, text characters (`SafeText`, `SafeLine`, `SafeName`, `Int`, `Day`,
`Moment` for the API's shapes, `check_request` for every route's path and query). Field rules
themselves live in the services."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import urlsplit

from annotated_types import Ge, Le
from fastapi import Request
from pydantic import AfterValidator, AwareDatetime, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from app.errors import NotFound, ValidationFailed
from app.i18n import N_, Msg

# Control characters other than tab and line breaks (C0, DEL, C1) and lone surrogates: PostgreSQL
# refuses NUL, UTF-8 cannot carry a lone surrogate, XML feeds refuse them all, and none belongs in
# text a person typed.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
LINE_BREAKS = re.compile(r"[\t\n\r]")
# Every id and number column is INTEGER, 32 bits on PostgreSQL: a number outside names no row.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# Dates the work of a press office can concern; beyond them date arithmetic and time zones fail.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)

DAY_RANGE = N_("Enter a date between the years 2000 and 2100.")
NUMBER_RANGE = N_("This number is out of range.")
CONTROL_TEXT = N_("Remove the control characters from this text.")
ONE_LINE = N_("Write this on one line.")
INVISIBLE = N_("Remove the invisible characters (such as zero-width spaces) from this name.")


def text_problem(value: str, *, line: bool = False, name: bool = False) -> Msg | None:
    """Why a text cannot be kept: control characters (tab and line breaks are allowed in long
    text, not in a `line`), and in a `name` invisible format characters (zero-width spaces,
    direction overrides) that would make two names look alike."""
    if CONTROL_CHARS.search(value):
        return Msg(CONTROL_TEXT)
    if (line or name) and LINE_BREAKS.search(value):
        return Msg(ONE_LINE)
    if name and any(unicodedata.category(c) == "Cf" for c in value):
        return Msg(INVISIBLE)
    return None


def day_problem(value: date | None) -> Msg | None:
    """A date outside the years 2000 to 2100 (a datetime is judged by its own date)."""
    if value is not None and not FIRST_DAY.year <= value.year <= LAST_DAY.year:
        return Msg(DAY_RANGE)
    return None


def _pydantic(problem: Msg | None) -> None:
    if problem is not None:  # the message id: the API's error handler translates it
        raise PydanticCustomError("pressdesk_bounds", problem.text)


def _valid_text(value: str) -> str:
    _pydantic(text_problem(value))
    return value


def _valid_line(value: str) -> str:
    _pydantic(text_problem(value, line=True))
    return value


def _valid_name(value: str) -> str:
    _pydantic(text_problem(value, name=True))
    return value


def _valid_day(value: Any) -> Any:
    _pydantic(day_problem(value))
    return value


# The API's request shapes: each text field also states its `max_length`, the services' limit.
SafeText = Annotated[str, AfterValidator(_valid_text)]  # long text: line breaks and tabs allowed
SafeLine = Annotated[str, AfterValidator(_valid_line)]  # one line
SafeName = Annotated[str, AfterValidator(_valid_name)]  # one line, no invisible characters
Int = Annotated[int, Ge(INT_MIN), Le(INT_MAX)]  # an id, a revision, a count
Day = Annotated[date, AfterValidator(_valid_day)]
Moment = Annotated[AwareDatetime, AfterValidator(_valid_day)]


def parse_date(value: str | None) -> date | None:
    """A date from <input type=date> (YYYY-MM-DD) or typed as DD/MM/YYYY; None if unreadable or
    outside the years 2000 to 2100 (the page then asks for it as for any unreadable date)."""
    value = (value or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return None if day_problem(day) else day
    return None


def parse_time(value: str | None) -> time | None:
    """A time from <input type=time> (HH:MM) or typed as 8h30 / 8:30; None if unreadable."""
    value = (value or "").strip().lower().replace("h", ":").replace(".", ":")
    if value.endswith(":"):
        value += "00"
    try:
        hours, minutes = (int(p) for p in value.split(":")[:2])
        return time(hours, minutes)
    except ValueError:
        return None


def parse_month(value: str | None, default: date) -> date:
    """The first day of a month given as YYYY-MM, or of `default`'s month."""
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        return default.replace(day=1)


def parse_ids(values: list[str] | None) -> list[int]:
    return sorted({n for n in map(parse_int, values or []) if n is not None})


def parse_int(value: str | None) -> int | None:
    """A whole number from 0 to INT_MAX; None otherwise."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) <= INT_MAX else None


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """Only local paths are followed after sign-in or a language switch (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def check_text(
    value: str,
    name: str,
    limit: int,
    errors: dict[str, Msg],
    required: Msg | None = None,
    *,
    line: bool = False,
    person: bool = False,
) -> str:
    """Trim a text field; note in `errors` when it is missing (if required), too long or holds
    control characters (`line`: one line; `person`: a name, see `text_problem`)."""
    value = value.strip()
    if required and not value:
        errors[name] = required
    elif len(value) > limit:
        errors[name] = Msg("Use at most %(n)s characters.", {"n": limit})
    elif problem := text_problem(value, line=line, name=person):
        errors[name] = problem
    return value


# --- Every route's path and query ---------------------------------------------------------------

_INT: TypeAdapter[int] = TypeAdapter(int)
_DAY: TypeAdapter[date] = TypeAdapter(date)
_MOMENT: TypeAdapter[datetime] = TypeAdapter(datetime)


def _types(annotation: Any) -> set[Any]:
    """The plain types inside an annotation (`int | None`, `list[int]`, `Annotated[date, …]`)."""
    origin = get_origin(annotation)
    if origin is None:
        return {annotation}
    args = get_args(annotation)
    if origin is Annotated:
        return _types(args[0])
    if origin in (Union, UnionType, list, set, tuple):
        return set().union(*(_types(a) for a in args))
    return set()


def _typed_params(route: Any) -> tuple[set[str], set[str], set[str]]:
    """The names of a route's integer path parameters, integer query parameters and date query
    parameters (its dependencies' too); kept on the route after the first request."""
    cached = getattr(route, "_pressdesk_params", None)
    if cached is None:
        path_ints: set[str] = set()
        query_ints: set[str] = set()
        query_days: set[str] = set()
        todo = [route.dependant]
        while todo:
            dependant = todo.pop()
            todo.extend(dependant.dependencies)
            for field in dependant.path_params:
                if int in _types(field.field_info.annotation):
                    path_ints.add(field.alias)
            for field in dependant.query_params:
                types = _types(field.field_info.annotation)
                if int in types:
                    query_ints.add(field.alias)
                if date in types or datetime in types:
                    query_days.add(field.alias)
        cached = (path_ints, query_ints, query_days)
        route._pressdesk_params = cached
    return cached


def _out_of_range(value: Any) -> bool:
    """A number as FastAPI would read it, outside INT_MIN..INT_MAX (not a number: False)."""
    try:
        number = _INT.validate_python(value)
    except ValidationError:
        return False
    return not INT_MIN <= number <= INT_MAX


def _day_out_of_range(value: str) -> bool:
    """A date (or moment) as FastAPI would read it, outside the years 2000 to 2100."""
    for adapter in (_DAY, _MOMENT):
        try:
            return day_problem(adapter.validate_python(value)) is not None
        except ValidationError:
            continue
    return False


async def check_request(request: Request) -> None:  # async: no worker thread for it
    """The first dependency of every route: a path id outside the integer range names nothing
    (404); a query number or date out of range and query text with control characters are
    refused (422, naming the parameter). Form fields are the services' to check (`check_text`),
    so that the page comes back with the message beside the field and the text typed."""
    route = request.scope.get("route")
    if getattr(route, "dependant", None) is None:
        return
    path_ints, query_ints, query_days = _typed_params(route)
    if any(_out_of_range(request.path_params[n]) for n in path_ints if n in request.path_params):
        raise NotFound()
    errors: dict[str, Msg] = {}
    for name, value in request.query_params.multi_items():
        if CONTROL_CHARS.search(value):
            errors[name] = Msg(CONTROL_TEXT)
        elif name in query_ints and _out_of_range(value):
            errors[name] = Msg(NUMBER_RANGE)
        elif name in query_days and _day_out_of_range(value):
            errors[name] = Msg(DAY_RANGE)
    if errors:
        raise ValidationFailed(errors)
