"""Settings from the environment (REKISTERI_*). Secrets are never defaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, IPvAnyNetwork, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from rekisteri.domain.consent import MAX_CONTACTS_PER_YEAR


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REKISTERI_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///rekisteri.db",
        description="SQLite file by default; postgresql+psycopg://... in production",
    )
    secret_key: str | None = Field(
        default=None, repr=False, description="keyring JSON or one base64 AES-256 key"
    )
    key_file: Path = Path("rekisteri.keys")
    # The encrypted file store (adapters/file_store.py: call audio now). Unset: the directory
    # `rekisteri.files` beside the SQLite database, or beside the key file on PostgreSQL.
    file_store_dir: Path | None = None
    # The largest call recording taken (CLI and API): an hour of 16-bit 16 kHz mono WAV is
    # 110 MiB; Opus is a tenth of that.
    max_recording_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    # Retention (P14): contract and billing data are kept ten years after the contract ended.
    contract_retention_years: int = 10
    recording_retention_months: int = 12
    reading_retention_months: int = 72
    # The readings archive (docs/archive.md): the directory of its Parquet files (unset: no
    # archive; `archive sync` refuses), and how many recent Helsinki months of readings the
    # database keeps once they are archived (unset: every month; the pages and the summaries
    # read the database, the access package reads both).
    archive_dir: Path | None = None
    db_reading_months: int | None = Field(default=None, ge=1, le=1200)
    # Where the archive's jobs run (`archive totals`, docs/scale.md): a Spark master URL,
    # `local[N]` for N cores of this machine or `spark://host:7077` for a cluster (whose
    # workers must reach REKISTERI_ARCHIVE_DIR at the same path: a shared file system).
    spark_master: str = Field(default="local[2]", max_length=300)
    # The credit check made when a contract is made (issue 16): the service's endpoint (unset:
    # no check is made, and `contract add` says so), its credential (from the environment,
    # never a default), how long to wait for it, the purpose-of-use code sent with each query,
    # and how long the answer is kept from the day of the decision.
    credit_check_url: str | None = None
    credit_check_token: str | None = Field(default=None, repr=False)
    credit_check_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    credit_check_purpose_code: str = Field(default="1", pattern=r"^[A-Za-z0-9_-]{1,20}$")
    credit_check_retention_months: int = Field(default=6, ge=1, le=120)
    # The breach register (GDPR Art. 33(5)): who was in a breach's scope is kept this long
    # after the scope was recorded (the DPO's accountability to the Ombudsman).
    breach_retention_years: int = Field(default=5, ge=1, le=50)
    # Consumption readings are plausible from this day to this many days after today (Helsinki
    # dates); a Datahub row outside is bad input (a year 1900 or 2099 is a broken file).
    readings_from: date = date(2000, 1, 1)
    readings_days_ahead: int = Field(default=2, ge=0, le=366)
    # An ASML ban file that would drop more than this share of the bans in force is refused
    # unless the import is told the shrink is meant: a truncated download must not re-enable
    # marketing to people who opted out.
    ban_drop_limit_percent: int = Field(default=10, ge=0, le=100)
    # Rights (P11): an access request within this many months of a fulfilled one asks for a
    # further copy, which may carry a reasonable fee (GDPR Art. 15(3)); the first copy is free.
    access_repeat_months: int = 12
    # Direct marketing "a few times a year" (P5): a setting cannot allow a flood.
    marketing_contacts_per_year: int = Field(default=4, ge=1, le=MAX_CONTACTS_PER_YEAR)
    # The preference centre (P5): personal signed links and the double opt-in mail.
    public_base_url: str = "http://127.0.0.1:8000"
    preference_link_days: int = 90
    confirmation_link_hours: int = 48
    # The access package's delivery (services/rights/package_delivery, docs/package-delivery.md):
    # how long the person's download link lives, how long a one-time code does, and how many
    # wrong codes lock the link.
    package_link_days: int = Field(default=14, ge=1, le=90)
    package_code_minutes: int = Field(default=15, ge=1, le=120)
    package_code_attempts: int = Field(default=5, ge=1, le=10)
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    # Seconds a page waits on the mail server before it leaves the message to the queue.
    smtp_timeout: float = Field(default=10.0, gt=0, le=120)
    mail_sender: str = "asetukset@esimerkkienergia.fi"
    # Controller details for the privacy statement (P17).
    controller_name: str = "Esimerkkienergia Oy"
    controller_business_id: str = "1234567-1"
    controller_address: str = "Energiakatu 1, 00100 Helsinki"
    controller_email: str = "asiakaspalvelu@esimerkkienergia.fi"
    dpo_contact: str = "tietosuoja@esimerkkienergia.fi"
    # Where letters to a person with a turvakielto are sent for forwarding: the population
    # register authority's address for forwarded mail, comma-separated lines
    # (docs/non-disclosure.md; check it against the authority's current instructions).
    non_disclosure_forwarding: str = Field(
        default="Digi- ja väestötietovirasto, PL 123, 00531 Helsinki", min_length=5, max_length=300
    )
    # The audit trail of every read and change (P7). Off only to measure what it costs
    # (bench/bench_api_audit.py), with mode "benchmark": in any other mode a process refuses to
    # start with it off (services/bootstrap.py), and a process that starts with it off writes
    # a keyed entry saying so, which `audit verify` reports as a gap.
    audit_enabled: bool = True
    mode: Literal["production", "benchmark"] = "production"
    # The largest request body a route takes unless it declares its own limit
    # (entrypoints/api/body_limits.py). Checked before the body is read or the caller is
    # authenticated: a larger body is refused (413) without being held in memory.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    # Staff login sessions for the web pages (P7, P15: a session cookie for logging in).
    session_hours: int = 10  # absolute lifetime of a login
    session_idle_minutes: int = 30  # ends after this long without use
    # The command line's login (`rekisteri login`): the lifetime of the token it issues.
    cli_token_hours: int = Field(default=12, ge=1, le=168)
    # Secure cookies need https; turn off only for plain-http development on localhost.
    session_cookie_secure: bool = True
    # Repeated failed logins: an account locks for a while after a few (accounts.py); one
    # client address may fail this many times per window, whatever the accounts.
    login_failures_per_address: int = Field(default=20, ge=1)
    login_throttle_minutes: int = Field(default=15, ge=1)
    # Staff sign-on through OpenID Connect (docs/sign-on.md): the provider's issuer URL, the
    # register's client there, and which of the provider's groups give which role
    # ("group=role,group=role"; the first of the user's groups in this order wins). Unset
    # issuer: no sign-on. The client secret is read from the environment only
    # (REKISTERI_OIDC_CLIENT_SECRET). The redirect URI registered at the provider is
    # public_base_url + /login/sso/callback; after logout it returns to public_base_url + /login.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str | None = Field(default=None, repr=False)
    oidc_role_map: str = ""
    oidc_groups_claim: str = "groups"
    oidc_scopes: str = "openid profile groups"
    oidc_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    # Addresses (or networks) of the reverse proxies in front of the register, comma-separated:
    # only from these is X-Forwarded-For believed. Empty: the peer's address is the client's.
    trusted_proxies: Annotated[tuple[IPvAnyNetwork, ...], NoDecode] = ()
    # The public request form: requests per client address per hour, the least time a person
    # takes to fill it in, how long a form stays valid, and the day's total past which the DPO
    # is alerted (requests past it are still accepted: a real person must get through).
    request_form_per_address_hour: int = Field(default=5, ge=1)
    request_form_min_seconds: int = Field(default=3, ge=0)
    request_form_valid_hours: int = Field(default=24, ge=1)
    request_form_daily_alert: int = Field(default=30, ge=1)
    controller_phone: str = "010 123 4567"
    customer_service_hours: str = "8–16"  # on weekdays
    # The register's name per language; empty means "<controller>'s customer register".
    register_name_fi: str = ""
    register_name_sv: str = ""
    register_name_en: str = ""
    # The date the published statement was last changed (shown at its end, as seed 002 does).
    notice_updated_on: date = date(2026, 11, 1)

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value


def file_store_path(settings: Settings) -> Path:
    """Where the encrypted file store lives (see `Settings.file_store_dir`)."""
    if settings.file_store_dir is not None:
        return settings.file_store_dir
    from sqlalchemy.engine import make_url  # here: settings load without SQLAlchemy

    url = make_url(settings.database_url)
    database = url.database or ""
    on_file = database not in ("", ":memory:") and not database.startswith("file:")
    if url.get_backend_name() == "sqlite" and on_file:
        return Path(database).parent / "rekisteri.files"
    return settings.key_file.parent / "rekisteri.files"


def get_settings() -> Settings:
    return Settings()
