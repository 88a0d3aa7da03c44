"""Settings read from the environment (and an optional `.env` file)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-change-me"  # noqa: S105 - refused in production below
DEV_BASE_URL = "http://127.0.0.1:8000"  # where `make run` serves; refused in production below


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every knob of the application; names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'pressdesk.db'}"
    secret_key: str = DEV_SECRET
    upload_dir: Path = PROJECT_ROOT / "var" / "uploads"  # outside static/; used by uploads
    # Where uploaded files are kept (app/storage): empty (or `file://`) for `upload_dir`, or an
    # S3-compatible object store, `s3://bucket/prefix`, reached at `s3_endpoint_url` (empty:
    # AWS itself) with these keys (empty: boto3's own environment variables or files).
    storage_url: str = Field(default="", pattern=r"^(|file://.*|s3://[^/\s]+(/\S*)?)$")
    s3_endpoint_url: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    s3_region: str = ""
    default_language: str = "vi"
    languages: tuple[str, ...] = ("vi", "en")
    province_name: str = "Quảng Ninh"

    # Sessions: a random id in a signed cookie, the row in the database.
    session_idle_minutes: int = Field(default=8 * 60, ge=1)
    session_max_hours: int = Field(default=7 * 24, ge=1)
    session_touch_seconds: int = Field(default=60, ge=0)

    # Failed logins: slowed after `login_slow_after`, refused (429) after the limits.
    login_window_minutes: int = Field(default=15, ge=1)
    login_slow_after: int = Field(default=3, ge=1)
    login_delay_seconds: float = Field(default=0.5, ge=0)
    login_delay_max_seconds: float = Field(default=4.0, ge=0)
    login_max_failures_account: int = Field(default=8, ge=1)
    login_max_failures_address: int = Field(default=30, ge=1)

    # Briefings: how far ahead series are generated, and which compliance rule set applies.
    briefing_horizon_months: int = Field(default=12, ge=12, le=36)
    compliance_ruleset: str = ""  # empty: the default in app/briefings/data/compliance.toml

    # Uploads of department content: cap per file, files per request (the body limit follows).
    upload_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    upload_max_files: int = Field(default=10, ge=1, le=50)

    # Journalists' questions: at most `question_rate_limit` per account in the window (then 429);
    # the same text sent again within `question_duplicate_seconds` is one record.
    question_rate_limit: int = Field(default=10, ge=1)
    question_rate_window_minutes: int = Field(default=10, ge=1)
    question_duplicate_seconds: int = Field(default=60, ge=1)

    # Official statements: the number series patterns (empty: app/statements/data/numbers.toml);
    # how often a worker reads the generation of public pages from the database (seconds: the
    # most an anonymous page served by another worker or host lags behind a publication); how
    # often a worker marks scheduled editions published (seconds, 0: never; visibility itself
    # never waits for it).
    statement_numbers_file: str = ""
    public_cache_recheck_seconds: float = Field(default=1.0, ge=0, le=60)
    # Signed-in pages marked `@kept` are served again to the same session while no data has
    # changed, for at most this long (what depends on the clock alone shows that late); 0: never.
    staff_page_cache_seconds: float = Field(default=10.0, ge=0, le=300)
    scheduler_interval_seconds: int = Field(default=30, ge=0)

    # Notifications. E-mail goes out over SMTP only when `smtp_host` is set (the notices in the
    # app work without it); messages wait in the outbox table and a sender delivers them with
    # retries (`pressdesk send-mail` once, or in each worker every `mail_send_interval_seconds`,
    # 0: never). Links in messages start with `public_base_url` (below).
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: str = Field(default="starttls", pattern="^(starttls|ssl|none)$")
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = Field(default=20.0, gt=0)
    mail_from: str = "Press Desk <no-reply@localhost>"
    mail_send_interval_seconds: int = Field(default=60, ge=0)
    mail_max_attempts: int = Field(default=8, ge=1)
    mail_retry_base_seconds: int = Field(default=60, ge=1)  # then ×4 each attempt, capped at 6 h
    reminder_hours: tuple[int, ...] = (48, 24)  # before a call's deadline, a question's due date

    @property
    def mail_enabled(self) -> bool:
        return bool(self.smtp_host)

    # The site's address: every absolute link (e-mails, sitemap, feeds, calendars, OpenGraph) is
    # built from it, never from the request's Host header, which anyone can forge and which
    # would then be kept by shared caches. Requests for a host not in `allowed_hosts` (comma-
    # separated names, `*.example.vn` for subdomains) get 400; empty: only the host of
    # `public_base_url` in production, any host in development and tests.
    public_base_url: str = DEV_BASE_URL
    allowed_hosts: str = ""

    # Media monitoring: how often each worker fetches the feeds that are due (0: never; then run
    # `pressdesk watch-feeds` from cron), how long one request may take, and where a feed is cut.
    monitoring_interval_seconds: int = Field(default=60, ge=0)
    monitoring_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    monitoring_max_feed_bytes: int = Field(default=5 * 1024 * 1024, ge=1024)
    # The digest for leadership by e-mail (comma-separated addresses; empty: none), each day after
    # this local hour for the day before, and on Mondays for the week before.
    monitoring_digest_recipients: str = Field(default="", max_length=2000)
    monitoring_digest_hour: int = Field(default=7, ge=0, le=23)

    # The site's official identity, shown in every page's footer (Decree 42/2022 on government
    # websites): the agency in charge (empty: the People's Committee of `province_name`), its
    # address, phone and e-mail, and the person responsible for the content (name and title).
    site_agency: str = Field(default="", max_length=300)
    site_agency_en: str = Field(default="", max_length=300)
    site_address: str = Field(default="", max_length=300)
    site_phone: str = Field(default="", max_length=40, pattern=r"^[0-9 +().-]*$")
    site_email: str = Field(default="", max_length=200, pattern=r"^([^@\s]+@[^@\s]+)?$")
    site_responsible: str = Field(default="", max_length=300)

    password_min_length: int = Field(default=12, ge=8)
    max_request_bytes: int = Field(default=1024 * 1024, ge=1024)

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        # Plain postgresql:// URLs would pick psycopg2, which we do not install.
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @field_validator("public_base_url")
    @classmethod
    def _http_address(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.query
            or parts.fragment
        ):
            raise ValueError("public_base_url must be an http(s):// address, e.g. https://x.vn")
        return value.strip().rstrip("/")

    def absolute_url(self, path: str = "") -> str:
        """`path` (starting with /) on the site's public address."""
        return self.public_base_url + path

    @property
    def host_patterns(self) -> tuple[str, ...]:
        """The Host names the site answers (lower case, no port); `*` for any."""
        own = (urlsplit(self.public_base_url).hostname or "").lower()
        listed = [h.strip().lower().rstrip(".") for h in self.allowed_hosts.split(",")]
        if any(listed):
            return (own, *(h for h in listed if h))
        return (own,) if self.is_production else ("*",)

    @property
    def is_production(self) -> bool:
        return self.environment == Environment.PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def check_production(self) -> None:
        """Refuse to start in production with the development secret or address."""
        if not self.is_production:
            return
        if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
            raise RuntimeError("SECRET_KEY must be set to a random value of 32+ characters")
        if self.public_base_url == DEV_BASE_URL:
            raise RuntimeError("PUBLIC_BASE_URL must be set to the site's address (https://…)")


@lru_cache
def get_settings() -> Settings:
    return Settings()
