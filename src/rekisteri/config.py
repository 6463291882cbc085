"""Settings from the environment (REKISTERI_*). Secrets are never defaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    # Retention (P14): contract and billing data are kept ten years after the contract ended.
    contract_retention_years: int = 10
    recording_retention_months: int = 12
    reading_retention_months: int = 72
    # Consumption readings are plausible from this day to this many days after today (Helsinki
    # dates); a Datahub row outside is bad input (a year 1900 or 2099 is a broken file).
    readings_from: date = date(2000, 1, 1)
    readings_days_ahead: int = Field(default=2, ge=0, le=366)
    # An ASML ban file that would drop more than this share of the bans in force is refused
    # unless the import is told the shrink is meant: a truncated download must not re-enable
    # marketing to people who opted out.
    ban_drop_limit_percent: int = Field(default=10, ge=0, le=100)
    # Rights (P11): an access request within this many months of a fulfilled one is a repeat
    # the DPO may charge for (seed 002: "more than once a year").
    access_repeat_months: int = 12
    # Direct marketing "a few times a year" (P5): a setting cannot allow a flood.
    marketing_contacts_per_year: int = Field(default=4, ge=1, le=MAX_CONTACTS_PER_YEAR)
    # The preference centre (P5): personal signed links and the double opt-in mail.
    public_base_url: str = "http://127.0.0.1:8000"
    preference_link_days: int = 90
    confirmation_link_hours: int = 48
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    mail_sender: str = "asetukset@esimerkkienergia.fi"
    # Controller details for the privacy statement (P17).
    controller_name: str = "Esimerkkienergia Oy"
    controller_business_id: str = "1234567-1"
    controller_address: str = "Energiakatu 1, 00100 Helsinki"
    controller_email: str = "asiakaspalvelu@esimerkkienergia.fi"
    dpo_contact: str = "tietosuoja@esimerkkienergia.fi"
    # The audit trail of every read and change (P7). Off only to measure what it costs
    # (bench/bench_api_audit.py); never in production.
    audit_enabled: bool = True
    # Staff login sessions for the web pages (P7, P15: a session cookie for logging in).
    session_hours: int = 10  # absolute lifetime of a login
    session_idle_minutes: int = 30  # ends after this long without use
    # Secure cookies need https; turn off only for plain-http development on localhost.
    session_cookie_secure: bool = True
    controller_phone: str = "010 123 4567"
    customer_service_hours: str = "8–16"  # on weekdays
    # The register's name per language; empty means "<controller>'s customer register".
    register_name_fi: str = ""
    register_name_sv: str = ""
    register_name_en: str = ""
    # The date the published statement was last changed (shown at its end, as seed 002 does).
    notice_updated_on: date = date(2026, 11, 1)


def get_settings() -> Settings:
    return Settings()
