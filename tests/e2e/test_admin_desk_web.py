"""The administrator's desk in the web (issue 17 item 5a), over a real database: accounts
added (the password shown once, and it logs in), locked (sessions end) and unlocked, a lock-out
after failed logins ended, a second factor reset, a token revoked, the keys' state; each change
an entry of the audit trail naming the administrator; the desk is the administrator's alone and
its forms need the session's CSRF token."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from rekisteri.adapters.schema.access import staff_user
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Purpose, Role
from rekisteri.domain.errors import Forbidden
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_dpo_desk_web import PASSWORD, _post, _session
from tests.support.registered import add_person

DESK = "/console/admin"


@pytest.fixture
def admin(register: RegisterApp) -> TestClient:
    return _session(register, "ylla.pitaja", Role.ADMINISTRATOR)


def _user(register: RegisterApp, name: str) -> object:
    with register.engine.connect() as conn:
        return conn.execute(select(staff_user).where(staff_user.c.username == name)).one()


def _changes(register: RegisterApp) -> list[tuple[str, str]]:
    with register.engine.connect() as conn:
        rows = conn.execute(
            select(audit_entry.c.actor, audit_entry.c.what)
            .where(audit_entry.c.action == "change", audit_entry.c.what.like("%staff user%"))
            .order_by(audit_entry.c.seq)
        ).all()
    return [(r.actor, r.what) for r in rows]


def _log_in(register: RegisterApp, name: str, password: str) -> TestClient:
    client = TestClient(register_app(register), base_url="https://testserver")
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": token[1]},
        follow_redirects=False,
    )
    return client


def register_app(register: RegisterApp) -> object:
    from rekisteri.entrypoints.api.app import create_app

    return create_app(register)


def test_accounts_are_added_locked_unlocked_and_audited(
    register: RegisterApp, admin: TestClient
) -> None:
    page = admin.get(DESK, params={"lang": "fi"})
    assert page.status_code == 200 and "Henkilökunnan käyttäjätunnukset" in page.text
    assert "ylla.pitaja" in page.text

    made = _post(admin, f"{DESK}/users?lang=fi", username="maija.cs", role="customer_service")
    assert made.status_code == 200
    password = re.search(r"Salasana: <code>([^<]+)</code>", made.text)
    assert password, made.text
    maija = _log_in(register, "maija.cs", password[1])
    assert maija.get("/console", follow_redirects=False).status_code == 200

    assert _post(admin, f"{DESK}/users/maija.cs/lock").status_code == 303
    assert _user(register, "maija.cs").active is False
    # Her session ended with the lock.
    assert maija.get("/console", follow_redirects=False).status_code in (303, 401)
    listed = admin.get(DESK, params={"lang": "fi"}).text
    assert "ylläpitäjä on lukinnut" in listed

    assert _post(admin, f"{DESK}/users/maija.cs/unlock").status_code == 303
    assert _user(register, "maija.cs").active is True
    assert _changes(register) == [
        ("ylla.pitaja", "staff user maija.cs added (customer_service)"),
        ("ylla.pitaja", "staff user maija.cs locked"),
        ("ylla.pitaja", "staff user maija.cs unlocked"),
    ]
    refused = _post(admin, f"{DESK}/users/ylla.pitaja/lock?lang=fi")
    assert refused.status_code == 422 and "omaa tunnusta ei voi lukita" in refused.text
    assert _post(admin, f"{DESK}/users/nobody.here/unlock").status_code == 404


def test_lockout_second_factor_tokens_and_keys(register: RegisterApp, admin: TestClient) -> None:
    add_person(register)  # one identity code, sealed under the current key
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
        accounts.add_user(uow, "bertta.bi", Role.BILLING, password=PASSWORD)
        secret = accounts.issue_token(uow, "bertta.bi", "laskutusintegraatio", None, 30)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        _log_in(register, "bertta.bi", "not the password at all")
    page = admin.get(DESK, params={"lang": "fi"}).text
    assert "5 epäonnistunutta kirjautumista" in page
    assert _post(admin, f"{DESK}/users/bertta.bi/lockout").status_code == 303
    assert _user(register, "bertta.bi").locked_until is None

    assert _user(register, "olli.dpo").totp_confirmed_at is not None
    assert _post(admin, f"{DESK}/users/olli.dpo/second-factor").status_code == 303
    assert _user(register, "olli.dpo").totp_secret is None

    page = admin.get(DESK, params={"lang": "fi"}).text
    assert "laskutusintegraatio" in page and secret not in page
    token_id = re.search(r'name="token_id" value="(\d+)"', page)
    assert token_id
    assert _post(admin, f"{DESK}/tokens/revoke", token_id=token_id[1]).status_code == 303
    with register.reading(Actor("test")) as uow, pytest.raises(Forbidden):
        accounts.resolve_token(uow, secret)

    keys = admin.get(DESK, params={"lang": "fi"}).text
    assert register.cipher.keyring.current in keys
    assert "Kaikki arvot on salattu nykyisellä avaimella." in keys
    whats = [w for _, w in _changes(register)]
    assert whats == [
        "staff user bertta.bi: lock-out after failed logins cleared",
        "staff user olli.dpo: second factor reset",
    ]
    with register.engine.connect() as conn:
        revoked = conn.execute(
            select(audit_entry.c.actor).where(audit_entry.c.what.like("API token % revoked"))
        ).scalar_one()
    assert revoked == "ylla.pitaja"


def test_the_desk_is_the_administrators_and_its_forms_need_the_token(
    register: RegisterApp, admin: TestClient
) -> None:
    dpo = _session(register, "olli.dpo", Role.DPO)
    assert dpo.get(DESK, headers={"accept": "text/html"}).status_code == 403
    assert _post(dpo, f"{DESK}/users", username="x.y.z", role="dpo").status_code == 403
    no_token = admin.post(
        f"{DESK}/users", data={"username": "x.y.z", "role": "dpo"}, follow_redirects=False
    )
    assert no_token.status_code == 403
    assert _user_count(register, "x.y.z") == 0
    assert Purpose.LEGAL_OBLIGATION  # the desk's purpose (catalogue/readers.py)


def _user_count(register: RegisterApp, name: str) -> int:
    with register.engine.connect() as conn:
        return len(conn.execute(select(staff_user.c.id).where(staff_user.c.username == name)).all())


def test_a_role_is_changed_on_the_desk_and_the_users_sessions_end(
    register: RegisterApp, admin: TestClient
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "rita.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
    rita = _log_in(register, "rita.cs", PASSWORD)
    assert rita.get("/console", follow_redirects=False).status_code == 200
    page = admin.get(DESK, params={"lang": "sv"}).text
    assert 'action="/console/admin/users/rita.cs/role' in page and "Byt roll" in page
    assert "/console/admin/users/ylla.pitaja/role" not in page  # no form for one's own role

    done = _post(admin, f"{DESK}/users/rita.cs/role", role="marketing")
    assert done.status_code == 303
    assert _user(register, "rita.cs").role == "marketing"
    # Her session under the old role ended: she logs in again to work in the new one.
    assert rita.get("/console", follow_redirects=False).status_code in (303, 401)
    assert _changes(register) == [
        ("ylla.pitaja", "staff user rita.cs: role customer_service changed to marketing")
    ]

    own = _post(admin, f"{DESK}/users/ylla.pitaja/role?lang=fi", role="dpo")
    assert own.status_code == 422 and "omaa rooliaan ei voi muuttaa" in own.text
    assert _user(register, "ylla.pitaja").role == "administrator"
    bad = _post(admin, f"{DESK}/users/rita.cs/role", role="owner")
    assert bad.status_code == 422 and _user(register, "rita.cs").role == "marketing"
    assert _post(admin, f"{DESK}/users/nobody.here/role", role="dpo").status_code == 404
    with register.engine.begin() as conn:  # an account the company sign-on provisioned
        conn.execute(
            update(staff_user)
            .where(staff_user.c.username == "rita.cs")
            .values(sign_on_issuer="https://sign-on.example", sign_on_subject="rita")
        )
    signed_on = _post(admin, f"{DESK}/users/rita.cs/role?lang=en", role="dpo")
    assert signed_on.status_code == 422
    assert "the sign-on provider&#39;s groups give this account its role" in signed_on.text

    dpo = _session(register, "olli.dpo", Role.DPO)
    assert _post(dpo, f"{DESK}/users/rita.cs/role", role="dpo").status_code == 403
    no_token = admin.post(
        f"{DESK}/users/rita.cs/role", data={"role": "dpo"}, follow_redirects=False
    )
    assert no_token.status_code == 403
    assert _user(register, "rita.cs").role == "marketing"
    assert len(_changes(register)) == 1
