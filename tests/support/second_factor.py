"""The second factor in tests: the current code of a staff account's TOTP secret, as its user's
authenticator app shows it, at the register's clock."""

from __future__ import annotations

import pyotp
from playwright.sync_api import Page
from sqlalchemy import select

from rekisteri.adapters.schema.access import staff_user
from rekisteri.services.access import second_factor
from rekisteri.services.unit_of_work import RegisterApp


def code_for(register: RegisterApp, name: str) -> str:
    """A code of the account's secret not used yet: the current step's, or (when a login has
    used it already, the test's clock standing still) the next step's, which the window takes."""
    with register.engine.connect() as conn:
        row = conn.execute(
            select(staff_user.c.totp_secret, staff_user.c.totp_last_step).where(
                staff_user.c.username == name
            )
        ).one()
    totp = pyotp.TOTP(register.cipher.open_text(second_factor.SEALED_AS, row.totp_secret))
    now = totp.timecode(register.clock())
    steps = [
        s for s in range(now - 1, now + 2) if row.totp_last_step is None or s > row.totp_last_step
    ]
    assert steps, "every code of the window is used: advance the test's clock"
    return totp.generate_otp(steps[0])


def give_code(page: Page, register: RegisterApp, name: str) -> None:
    """The login's second step in the browser (after the password)."""
    page.get_by_label("Koodi / Kod / Code").fill(code_for(register, name))
    page.get_by_role("button", name="Jatka / Fortsätt / Continue").click()
