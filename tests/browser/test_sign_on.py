"""Staff sign-on through a real OpenID provider (tests/oidc: the npm oidc-provider on Node), in
Chromium: a user of the DPO group logs in with the company's account and lands on the DPO desk,
logs out (at the provider too) and the session is gone; a group changed at the provider changes
the role at the next login, a group taken away takes the role away (the refusal in the user's
language, with a way out, and the account's earlier session ended); a user whose groups map to
no role is refused. Every login is an audit entry."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from rekisteri.adapters.schema.access import staff_session, staff_user
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts, sessions
from rekisteri.services.access.accounts import LoginRefused, Refusal
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.live_server import free_port, serve
from tests.support.openid_provider import Provider, openid_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]
Shot = Callable[[Page, str], Path]
ROLE_MAP = "rekisteri-tietosuoja=dpo,rekisteri-asiakaspalvelu=customer_service"


@dataclasses.dataclass
class Site:
    url: str
    provider: Provider
    register: RegisterApp


@pytest.fixture
def site(register: RegisterApp, tmp_path: Path) -> Iterator[Site]:
    app_port, provider_port = free_port(), free_port()
    app_url = f"http://127.0.0.1:{app_port}"
    with openid_provider(
        provider_port,
        app_url,
        tmp_path,
        aino=["kaikki", "rekisteri-tietosuoja"],
        bertta=["myynti"],
    ) as provider:
        settings = register.settings.model_copy(
            update={
                "session_cookie_secure": False,  # plain http on 127.0.0.1
                "public_base_url": app_url,
                "oidc_issuer": provider.issuer,
                "oidc_client_id": provider.client_id,
                "oidc_client_secret": provider.client_secret,
                "oidc_role_map": ROLE_MAP,
            }
        )
        app_register = dataclasses.replace(register, settings=settings)
        with serve(create_app(app_register), port=app_port) as url:
            yield Site(url, provider, register)


@pytest.fixture
def finnish(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    context.set_default_timeout(15_000)
    yield context
    context.close()


def _sign_on(page: Page, site: Site, account: str) -> None:
    """From the register's login page through the provider's own login and consent pages
    (each only when the provider asks: it remembers its session and the consent given)."""
    page.goto(f"{site.url}/login")
    page.get_by_role("link", name=re.compile("Log in with the company's account")).click()
    for _ in range(3):
        page.wait_for_load_state()
        if not page.url.startswith(site.provider.issuer):
            return
        if page.locator("input[name=login]").count():
            page.locator("input[name=login]").fill(account)
            page.locator("input[name=password]").fill("any password: the test provider's")
            page.get_by_role("button", name="Sign-in").click()
        elif page.get_by_role("button", name="Continue").count():
            page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(re.escape(site.url)))


def _account(site: Site, name: str) -> tuple[int, str, str]:
    with site.register.engine.connect() as conn:
        row = conn.execute(
            select(staff_user.c.id, staff_user.c.username, staff_user.c.role).where(
                staff_user.c.sign_on_subject == name
            )
        ).one()
    return int(row.id), str(row.username), str(row.role)


def _live_sessions(site: Site, user_id: int) -> int:
    with site.register.engine.connect() as conn:
        rows = conn.execute(
            select(staff_session.c.id).where(
                staff_session.c.user_id == user_id, staff_session.c.revoked_at.is_(None)
            )
        ).all()
    return len(rows)


def test_sign_on_logs_in_to_the_desk_and_out_at_both_ends(
    site: Site, page: Page, shot: Shot
) -> None:
    _sign_on(page, site, "aino")
    expect(page).to_have_url(f"{site.url}/console/dpo")  # the DPO's desk, by the group
    expect(page.get_by_role("heading", level=1)).to_have_text("DPO desk")
    user_id, name, role = _account(site, "aino")
    assert (name, role) == ("aino", "dpo")
    shot(page, "dpo-desk")
    with site.register.engine.connect() as conn:
        entry = conn.execute(
            select(audit_entry).where(audit_entry.c.action == "login", audit_entry.c.actor == name)
        ).one()
    assert entry.role == "dpo" and entry.via == "sign-on" and site.provider.issuer in entry.what
    # The provisioned account has no password: the password login does not even look at it.
    with pytest.raises(LoginRefused) as refused:
        sessions.log_in(site.register, name, accounts.SIGN_ON_ONLY)
    assert refused.value.reason is Refusal.UNKNOWN

    page.get_by_role("button", name="Log out").click()
    # The provider's own end-session page asks; then it returns to the register's login.
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(f"{site.url}/login")
    assert _live_sessions(site, user_id) == 0
    page.goto(f"{site.url}/console/dpo")
    expect(page).to_have_url(re.compile(re.escape(f"{site.url}/login?next=")))


def test_the_role_follows_the_groups_at_each_login(
    site: Site, finnish: BrowserContext, shot: Shot
) -> None:
    page = finnish.new_page()
    site.provider.set_groups(aino=["rekisteri-asiakaspalvelu"])
    _sign_on(page, site, "aino")
    expect(page).to_have_url(f"{site.url}/console")  # customer service starts at search
    user_id, _, role = _account(site, "aino")
    assert role == "customer_service" and _live_sessions(site, user_id) == 1

    site.provider.set_groups(aino=[])  # the group taken away at the provider
    _sign_on(page, site, "aino")  # the provider still has her session: straight back
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjautuminen ei onnistunut")
    expect(page.get_by_role("alert")).to_contain_text("mikään ryhmistäsi ei anna pääsyä")
    expect(page.get_by_role("link", name="Kirjaudu ulos yrityksen tunnukselta")).to_be_visible()
    expect(page.get_by_role("link", name="Kirjautumissivulle")).to_have_attribute("href", "/login")
    shot(page, "no-role-fi")
    assert _live_sessions(site, user_id) == 0  # her earlier session ended with the role
    page.goto(f"{site.url}/console")
    expect(page).to_have_url(re.compile(re.escape(f"{site.url}/login?next=")))


def test_a_user_whose_groups_map_to_no_role_is_refused(site: Site, page: Page) -> None:
    _sign_on(page, site, "bertta")
    expect(page.get_by_role("heading", level=1)).to_have_text("Login failed")
    expect(page.get_by_role("alert")).to_contain_text("none of your groups gives access")
    with site.register.engine.connect() as conn:
        made = conn.execute(select(staff_user.c.id).where(staff_user.c.username == "bertta"))
        assert made.first() is None  # no account for a user without a role
        denied = conn.execute(
            select(audit_entry).where(
                audit_entry.c.action == "login", audit_entry.c.outcome == "denied"
            )
        ).one()
    assert denied.actor == "sign-on:bertta"


def test_an_answer_not_of_this_browsers_login_is_refused(site: Site, page: Page) -> None:
    """A callback without this browser's flow (a link someone sent, a replayed answer), or with
    a state that is not its own, opens no session."""
    page.goto(f"{site.url}/login/sso/callback?code=stolen&state=guessed")
    expect(page.get_by_role("heading", level=1)).to_have_text("Login failed")
    expect(page.get_by_role("alert")).to_contain_text("started in another browser")
    # A flow begun here, answered with another state.
    page.goto(f"{site.url}/login")
    page.get_by_role("link", name=re.compile("Log in with the company's account")).click()
    page.wait_for_url(re.compile(re.escape(site.provider.issuer)))
    page.goto(f"{site.url}/login/sso/callback?code=stolen&state=guessed")
    expect(page.get_by_role("alert")).to_contain_text("started in another browser")
    with site.register.engine.connect() as conn:
        assert conn.execute(select(staff_session.c.id)).first() is None
