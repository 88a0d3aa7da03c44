"""The failed-login rule as a pure function: slowed, then refused, per account and per address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.accounts.throttle import decide
from app.config import Settings

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
S = Settings(
    _env_file=None,  # type: ignore[call-arg]
    login_window_minutes=15,
    login_slow_after=3,
    login_delay_seconds=0.5,
    login_delay_max_seconds=4,
    login_max_failures_account=8,
    login_max_failures_address=30,
)


def counter(failures: int, minutes_ago: float = 1) -> tuple[int, datetime]:
    return failures, NOW - timedelta(minutes=minutes_ago)


def test_first_failures_are_neither_slowed_nor_refused() -> None:
    assert decide(S, NOW, None, None).delay == 0
    d = decide(S, NOW, counter(2), counter(2))
    assert (d.refused, d.delay) == (False, 0)


def test_delay_doubles_from_the_third_failure_and_is_capped() -> None:
    delays = [decide(S, NOW, counter(n), None).delay for n in range(3, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_account_is_refused_at_the_limit_until_its_window_ends() -> None:
    d = decide(S, NOW, counter(8, minutes_ago=5), None)
    assert d.refused
    assert 10 * 60 <= d.retry_after <= 10 * 60 + 1


def test_window_end_forgives_old_failures() -> None:
    d = decide(S, NOW, counter(8, minutes_ago=16), counter(29, minutes_ago=16))
    assert (d.refused, d.delay) == (False, 0)


def test_address_limit_refuses_whatever_the_account() -> None:
    d = decide(S, NOW, None, counter(30, minutes_ago=1))
    assert d.refused and d.retry_after > 13 * 60


def test_address_slows_later_than_an_account() -> None:
    assert decide(S, NOW, None, counter(8)).delay == 0  # many people behind one office NAT
    assert decide(S, NOW, None, counter(9)).delay == 0.5
