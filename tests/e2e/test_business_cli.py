"""The commands of business customers and telephone sales refuse bad input with exit 2, naming
what was wrong, and store nothing; a sole trader is registered as a natural person."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.register import attribute_change, contact_person, contract, person
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.cli_login import as_staff, with_login
from tests.support.people import make_customer


def _env(settings: Settings) -> dict[str, str]:
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "COLUMNS": "200",
        }
    )
    return as_staff(env, Role.CUSTOMER_SERVICE)


def _rows(reg: RegisterApp) -> tuple[int, ...]:
    with reg.engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (person, contact_person, contract, attribute_change)
        )


def test_a_sole_trader_is_a_person_and_has_no_contact_persons(
    register: RegisterApp, settings: Settings
) -> None:
    env = _env(settings)
    run = CliRunner().invoke
    added = run(
        cli,
        ["customer", "add", "--source", "contract", "--first-names", "Pekka", "--last-name",
         "Puuseppä", "--hetu", "311280-888Y", "--business-id", "2617416-4"],
        env=env,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    with register.engine.connect() as conn:
        kind = conn.execute(select(person.c.kind, person.c.business_id)).one()
    assert tuple(kind) == ("natural", "2617416-4")
    before = _rows(register)
    refused = run(
        cli,
        ["customer", "contact-person", "add", "100001", "--role", "contact", "--first-names",
         "Liisa", "--last-name", "Laine", "--source", "contract"],
        env=env,
    )  # fmt: skip
    assert refused.exit_code == 2 and "not an organisation" in refused.output, refused.output
    assert _rows(register) == before


def test_the_telephone_sale_commands_refuse_steps_out_of_order(
    register: RegisterApp, settings: Settings
) -> None:
    c = make_customer(register)
    env = _env(settings)
    run = CliRunner().invoke
    site = str(c.site_ids[0])
    common = ["--site", site, "--product", "Kiinteä", "--start", "2026-03-01", "--source",
              "contract"]  # fmt: skip
    before = _rows(register)
    no_time = run(cli, ["contract", "add", c.customer_number, *common,
                        "--sold-by-phone-call", "outbound"], env=env)  # fmt: skip
    assert no_time.exit_code == 2 and "sales_call_at" in no_time.output, no_time.output
    naive = run(cli, ["contract", "add", c.customer_number, *common, "--sold-by-phone-call",
                      "outbound", "--call-at", "2026-03-02T10:00"], env=env)  # fmt: skip
    assert naive.exit_code == 2, naive.output
    assert _rows(register) == before
    # A site free of contracts: the customer's first site ended when they moved.
    sold = run(cli, ["contract", "add", c.customer_number, *common, "--sold-by-phone-call",
                     "inbound", "--call-at", "2026-03-02T10:00+02:00"], env=env)  # fmt: skip
    assert sold.exit_code == 0 and "not in force" not in sold.output, sold.output
    made = re.search(r"^contract (\S+) \(id \d+\)$", sold.output, re.MULTILINE)
    assert made is not None, sold.output
    number = made.group(1)
    after_sale = _rows(register)
    accepted = run(cli, ["contract", "accepted", number, "--how", "email"], env=env)
    assert accepted.exit_code == 2 and "company made" in accepted.output, accepted.output
    assert _rows(register) == after_sale


def test_customer_show_lists_the_links_both_ways(register: RegisterApp, settings: Settings) -> None:
    env = _env(settings)
    run = CliRunner().invoke
    for args in (
        ["customer", "add", "--kind", "legal", "--organisation", "Konepaja Oy",
         "--business-id", "1572860-0", "--source", "contract"],
        ["customer", "contact-person", "add", "100001", "--role", "signatory", "--first-names",
         "Liisa", "--last-name", "Laine", "--email", "liisa@example.fi", "--source", "contract"],
    ):  # fmt: skip
        done = run(cli, args, env=env)
        assert done.exit_code == 0, done.output
    org = run(cli, ["customer", "show", "100001"], env=env)
    assert org.exit_code == 0 and "Liisa Laine" in org.output and "signatory" in org.output
    listed = run(cli, ["customer", "contact-person", "list", "100001", "--json"], env=env)
    assert listed.exit_code == 0 and '"customer_number": "100002"' in listed.output
    own = run(cli, ["customer", "show", "100002"], env=env)
    assert own.exit_code == 0 and "Konepaja Oy (100001)" in own.output, own.output
