"""The public request form holds back floods and still lets a person through: a count per
client address, a signed start time a program cannot beat, a honeypot field, and an alert on
the DPO desk past the day's level (requests past it still accepted)."""

from __future__ import annotations

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from ipaddress import ip_network

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.clock import FakeClock
from tests.support.staff import tokens_per_role

PERSON = {"kind": "access", "name": "Maija Meikäläinen", "contact": "maija@example.fi"}


def _client(register: RegisterApp, peer: str = "198.51.100.7") -> TestClient:
    return TestClient(create_app(register), client=(peer, 50000))


def _started(web: TestClient, lang: str = "fi") -> str:
    form = web.get(f"/request?lang={lang}")
    assert form.status_code == 200
    found = re.search(r'name="started" value="([^"]+)"', form.text)
    assert found, form.text
    return found[1]


def _requests(register: RegisterApp) -> int:
    with register.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(rights_request)).scalar_one())


def _alert(page: str) -> str:
    found = re.search(r'<p class="error" role="alert">([^<]*)</p>', page)
    return found[1] if found else ""


def test_a_flood_from_one_address_is_held_at_the_hourly_limit(
    register: RegisterApp, clock: FakeClock
) -> None:
    web = _client(register)
    started = _started(web)
    clock.advance(seconds=20)
    answers = [web.post("/request", data={**PERSON, "started": started}) for _ in range(100)]
    limit = register.settings.request_form_per_address_hour
    assert [a.status_code for a in answers] == [200] * limit + [429] * (100 - limit)
    assert _requests(register) == limit
    assert "Verkostasi on lähetetty" in _alert(answers[-1].text)
    assert 'value="Maija Meikäläinen"' in answers[-1].text  # what they wrote stays
    # Another address is not held back; the same one is again after the hour.
    assert _client(register, "203.0.113.9").post("/request", data={**PERSON, "started": started})
    clock.advance(hours=1)
    assert web.post("/request", data={**PERSON, "started": started}).status_code == 200
    assert _requests(register) == limit + 2


def test_parallel_posts_from_one_address_cannot_pass_the_limit(
    register: RegisterApp, clock: FakeClock
) -> None:
    posts = 12
    started = _started(_client(register))
    clock.advance(seconds=20)
    start = threading.Barrier(posts, timeout=60)
    app = create_app(register)

    def post(_: int) -> int:
        web = TestClient(app, client=("198.51.100.7", 50000))
        start.wait()
        return web.post("/request", data={**PERSON, "started": started}).status_code

    with ThreadPoolExecutor(max_workers=posts) as pool:
        codes = [f.result(timeout=120) for f in [pool.submit(post, i) for i in range(posts)]]
    limit = register.settings.request_form_per_address_hour
    assert sorted(codes) == [200] * limit + [429] * (posts - limit)
    assert _requests(register) == limit


@pytest.mark.parametrize(
    ("lang", "words"),
    [("fi", "Lähetit lomakkeen hyvin nopeasti"), ("sv", "Du skickade formuläret mycket snabbt"),
     ("en", "You sent the form very quickly")],
)  # fmt: skip
def test_a_form_sent_too_fast_comes_back_kindly_and_goes_through_when_sent_again(
    register: RegisterApp, clock: FakeClock, lang: str, words: str
) -> None:
    web = _client(register)
    started = _started(web, lang)
    clock.advance(seconds=register.settings.request_form_min_seconds - 1)
    fast = web.post(f"/request?lang={lang}", data={**PERSON, "started": started})
    assert fast.status_code == 422 and words in _alert(fast.text)
    assert 'value="maija@example.fi"' in fast.text and _requests(register) == 0
    again = re.search(r'name="started" value="([^"]+)"', fast.text)
    assert again
    clock.advance(seconds=register.settings.request_form_min_seconds)
    sent = web.post(f"/request?lang={lang}", data={**PERSON, "started": again[1]})
    assert sent.status_code == 200 and _requests(register) == 1


def test_a_missing_forged_or_old_start_time_is_refused(
    register: RegisterApp, clock: FakeClock
) -> None:
    web = _client(register)
    started = _started(web, "en")
    clock.advance(seconds=30)
    seconds, mac = started.split(".")
    for token in ("", "junk", f"{int(seconds) - 600}.{mac}", f"{seconds}.{mac[:-2]}"):
        refused = web.post("/request?lang=en", data={**PERSON, "started": token})
        assert refused.status_code == 422, token
        assert "open for a long time, or its check was missing" in _alert(refused.text)
    clock.advance(hours=register.settings.request_form_valid_hours)
    assert web.post("/request", data={**PERSON, "started": started}).status_code == 422
    assert _requests(register) == 0


def test_the_honeypot_is_hidden_from_people_and_refuses_programs(
    register: RegisterApp, clock: FakeClock
) -> None:
    web = _client(register)
    form = web.get("/request?lang=sv").text
    trap = re.search(r'<div class="trap" aria-hidden="true">(.*?)</div>', form, re.DOTALL)
    assert trap and 'tabindex="-1"' in trap[1] and 'autocomplete="off"' in trap[1]
    started = _started(web, "sv")
    clock.advance(seconds=20)
    bot = web.post("/request?lang=sv", data={**PERSON, "started": started, "website": "x.example"})
    assert bot.status_code == 422 and _requests(register) == 0
    assert register.settings.dpo_contact in _alert(bot.text) and "Skicka det igen" in bot.text
    person = web.post("/request?lang=sv", data={**PERSON, "started": started, "website": ""})
    assert person.status_code == 200 and _requests(register) == 1


def test_past_the_daily_level_requests_are_accepted_and_the_dpo_alerted(
    register: RegisterApp, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    register.settings = register.settings.model_copy(
        update={"request_form_daily_alert": 3, "trusted_proxies": (ip_network("10.0.0.1"),)}
    )
    dpo = {"Authorization": f"Bearer {tokens_per_role(register)[Role.DPO]}"}
    web = _client(register, "10.0.0.1")  # behind the proxy, each from an address of its own
    started = _started(web)
    clock.advance(seconds=20)
    desk = web.get("/console/dpo", headers=dpo)
    assert desk.status_code == 200 and 'id="form-alerts"' not in desk.text
    with caplog.at_level(logging.WARNING, logger="rekisteri.services.rights.web_form"):
        for i in range(5):
            sent = web.post(
                "/request",
                data={**PERSON, "started": started},
                headers={"X-Forwarded-For": f"192.0.2.{i}"},
            )
            assert sent.status_code == 200
    assert _requests(register) == 5
    assert len([r for r in caplog.records if "daily alert level" in r.message]) == 1
    with register.engine.connect() as conn:
        noted = conn.execute(
            select(func.count()).where(audit_entry.c.what.like("%past its daily alert level%"))
        ).scalar_one()
    assert noted == 2
    alert = re.search(
        r'id="form-alerts">(.*?)</section>', web.get("/console/dpo", headers=dpo).text, re.DOTALL
    )
    assert alert and "3.3.2026: 5" in alert[1]
    clock.advance(days=8)
    assert 'id="form-alerts"' not in web.get("/console/dpo", headers=dpo).text
