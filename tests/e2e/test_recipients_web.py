"""The register of recipients in the web (issue 17 item 5c): the DPO adds a group company,
which the marketing desk then offers for group marketing; an adequacy decision claimed for a
country that has none is refused (the service's rule, said on the page); marketing and
customer service may not keep the register; the form needs the CSRF token."""

from __future__ import annotations

from sqlalchemy import select

from rekisteri.adapters.schema.disclosure import recipient
from rekisteri.catalogue import Role
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_dpo_desk_web import _post, _session

PAGE = "/console/recipients"


def _names(register: RegisterApp) -> list[str]:
    with register.engine.connect() as conn:
        return list(conn.execute(select(recipient.c.name).order_by(recipient.c.name)).scalars())


def test_a_group_company_is_added_and_offered_for_group_marketing(register: RegisterApp) -> None:
    dpo = _session(register, "olli.dpo", Role.DPO)
    empty = dpo.get(PAGE, params={"lang": "fi"}).text
    assert "Vastaanottajia ei ole vielä." in empty
    marketing = _session(register, "mari.mk", Role.MARKETING)
    group = {"lang": "fi", "channel": "letter", "purpose": "group_marketing"}
    # Before: the marketing desk says why there is no one to choose, and who adds them.
    assert "vastaanottajien sivulla" in marketing.get("/console/marketing", params=group).text
    added = _post(
        dpo, PAGE, name="Sisaryhtiö Oy", kind="subsidiary", country="FI",
        purpose="direct_marketing", business_id="1234567-1",
    )  # fmt: skip
    assert added.status_code == 303
    page = dpo.get(PAGE, params={"lang": "fi"}).text
    assert "Sisaryhtiö Oy" in page and "konserniyhtiö" in page
    assert ">subsidiary<" not in page  # the kind in words, not its code

    outside = _post(
        dpo, f"{PAGE}?lang=fi", name="Overseas Ltd", kind="partner", country="CN",
        purpose="direct_marketing", safeguard="adequacy",
    )  # fmt: skip
    assert outside.status_code == 422 and "safeguard" in outside.text
    assert _names(register) == ["Sisaryhtiö Oy"]

    desk = marketing.get("/console/marketing", params=group).text
    assert '<option value="1">Sisaryhtiö Oy</option>' in desk
    assert "vastaanottajien sivulla" not in desk


def test_only_those_who_record_disclosures_keep_the_register(register: RegisterApp) -> None:
    for name, role in (("mari.mk", Role.MARKETING), ("maija.cs", Role.CUSTOMER_SERVICE)):
        client = _session(register, name, role)
        assert client.get(PAGE, headers={"accept": "text/html"}).status_code == 403
        refused = _post(client, PAGE, name="X Oy", kind="partner", country="FI",
                        purpose="direct_marketing")  # fmt: skip
        assert refused.status_code == 403
    billing = _session(register, "bertta.bi", Role.BILLING)
    no_token = billing.post(
        PAGE,
        data={"name": "X Oy", "kind": "partner", "country": "FI", "purpose": "billing"},
        follow_redirects=False,
    )
    assert no_token.status_code == 403
    assert _names(register) == []
