"""`rekisteri demo`: a realistic synthetic register, deterministic for a seed, fast in bulk.

Rows are generated in chunks and inserted with executemany in one transaction per chunk, so a
million customers take minutes. What happened in the last DOOR_DAYS days is not inserted here:
it is collected as door traffic (demo/traffic.py), which demo/doors.py writes as the outside
systems' files and imports through the register's own imports. Identifiers are valid (HETU,
business ID, GSRN, IBAN) and sensitive ones are encrypted exactly as the services do it. The
whole bulk load is one operation for the audit trail: one change entry names every person it
made (RegisterApp.changing tracks the bulk loads).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, select

from rekisteri.adapters import number_series
from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.camt054_writer import OutPayment
from rekisteri.adapters.finvoice_writer import OutInvoice
from rekisteri.adapters.schema.register import (
    billing_account,
    consent_event,
    contact_log,
    contact_person,
    contact_point,
    contract,
    device,
    digital_account,
    feedback,
    invoice,
    metering_point,
    payment,
    person,
    site,
)
from rekisteri.demo import values as dv
from rekisteri.demo.traffic import DoorTraffic, OutRecording, between
from rekisteri.domain.consent import ANY_CHANNEL, ConsentPurpose
from rekisteri.domain.references import make_invoice_reference
from rekisteri.domain.wording import WORDING_VERSION, consent_wording
from rekisteri.services.marketing import ledger_state
from rekisteri.services.unit_of_work import Actor, RegisterApp, Transaction

CHUNK = 5000
# The most numbers one customer uses: two contracts (moved to a new home), and 13 invoices
# (billed monthly for a year back from today: that month and this one both, on its billing day).
CONTRACTS_EACH, INVOICES_EACH = 2, 13
TABLES = (
    person,
    contact_point,
    site,
    metering_point,
    device,
    billing_account,
    contract,
    invoice,
    payment,
    contact_log,
    feedback,
    digital_account,
    consent_event,
    contact_person,
)
HETU, IBAN = "person.personal_identity_code", "billing_account.iban"
PRODUCTS = [
    "Pörssisähkö",
    "Kiinteä 12 kk",
    "Kiinteä 24 kk",
    "Toistaiseksi voimassa",
    "Vihreä sähkö",
]
HEATING = ["electric", "district", "heat_pump", "ground_source", "oil", "wood", "other"]
HOUSING = ["detached", "terraced", "apartment", "leisure"]


@dataclass
class DemoResult:
    customers: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    sample_customer_numbers: list[str] = field(default_factory=list)
    generating_seconds: float = 0.0  # building rows in Python (names, codes, encryption)
    inserting_seconds: float = 0.0  # the database's share
    traffic: DoorTraffic | None = None  # the last DOOR_DAYS days, for the doors (demo/doors)


@dataclass
class _Ids:
    """Next free id per table, so rows can reference each other before they are inserted."""

    next: dict[str, int]

    def take(self, table: Table) -> int:
        value = self.next[table.name]
        self.next[table.name] = value + 1
        return value


def generate(
    reg: RegisterApp, customers: int, seed: int, progress: Callable[[int], None] | None = None
) -> DemoResult:
    """The customers' history in bulk; what happened in the last DOOR_DAYS days is left in
    `result.traffic` for demo/doors.py to send through the register's doors."""
    with reg.changing(Actor("demo")) as transaction:
        return _generate(reg, transaction, customers, seed, progress)


def _generate(
    reg: RegisterApp,
    transaction: Transaction,
    customers: int,
    seed: int,
    progress: Callable[[int], None] | None,
) -> DemoResult:
    rng = random.Random(seed)
    pools = dv.NamePools(seed)
    now = reg.clock()
    result = DemoResult(traffic=DoorTraffic(now, seed))
    with transaction() as conn:
        ids = _Ids(
            {
                t.name: int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
                + 1
                for t in TABLES
            }
        )
        # Whole blocks of numbers, taken like the services take one (never a number they take).
        # A customer number for every person, contact persons of organisations included.
        start_number = number_series.take(conn, "customer", 100001, customers)
        start_contract = number_series.take(conn, "contract", 1000001, customers * CONTRACTS_EACH)
        start_invoice = number_series.take(conn, "invoice", 5000001, customers * INVOICES_EACH)
    numbers = {"customer": start_number, "contract": start_contract, "invoice": start_invoice}
    assert result.traffic is not None
    result.traffic.run = str(start_number)
    c = _Customer(reg, rng, pools, ids, numbers, result, now)
    done = 0
    while done < customers:
        n = min(CHUNK, customers - done)
        c.batch = {t.name: [] for t in TABLES}
        started = time.perf_counter()
        made = 0
        while made < n:
            made += c.one(room=n - made)
        built = time.perf_counter()
        result.generating_seconds += built - started
        with transaction() as conn:
            for t in TABLES:
                if c.batch[t.name]:
                    bulk_insert(conn, t, c.batch[t.name])
                    result.rows[t.name] = result.rows.get(t.name, 0) + len(c.batch[t.name])
            # The ledger's current state is kept with every append, bulk ones too.
            ledger_state.refresh(conn, sorted({r["person_id"] for r in c.batch["consent_event"]}))
        result.inserting_seconds += time.perf_counter() - built
        done += n
        if progress:
            progress(n)
    result.customers = customers
    return result


def _prov(source: str, at: dt.datetime, detail: str | None = None) -> dict[str, Any]:
    return {"source": source, "source_detail": detail, "received_at": at}


DEVICE_KINDS = ("heat_pump", "ev_charger", "solar_panels")

# Consent wordings by the day they came into use: an event carries the version in use that day.
# The register's own wording (domain.wording) from 2026; the demo's two earlier ones before it.
OLD_WORDINGS = (
    (dt.date(2024, 1, 1), "2024-1", "Saa lähettää tarjouksia ja uutisia: {channel}."),
    (dt.date(1990, 1, 1), "2016-1", "Minulle saa lähettää markkinointia: {channel}."),
)
WORDING_SINCE = dt.date(2026, 1, 1)
RESTRICTED_WHY = "Asiakas kiistää tietojensa paikkansapitävyyden (tietosuoja-asetus 18 art.)"
# A contact's topic is what the staff member typed, in Finnish (a free text, not a code).
TOPICS = ["Laskutus", "Muutto", "Sopimus", "Vikailmoitus", "Hinnat", "Oma asiointi"]
CHANNELS = ["phone"] * 6 + ["email"] * 2 + ["chat", "web"]
NOTES = [
    "Kysyi laskun erittelystä",
    "Muuttoilmoitus vastaanotettu",
    "Sopimuksen vaihto toiseen tuotteeseen",
    "Ilmoitti sähkökatkosta",
    None,
    None,
]
FEEDBACK_TEXTS = [
    "Asia hoitui nopeasti.",
    "Jonotus kesti liian kauan.",
    "Selkeä lasku, kiitos.",
    None,
    None,
]
STAFF = "demo.asiakaspalvelu"
LETTER_PURPOSES = ("own_marketing", "group_marketing", "research", "newsletter", "magazine")


def wording(purpose: str, channel: str, at: dt.datetime, event: str, lang: str) -> tuple[str, str]:
    """The wording shown and its version on the day of the event."""
    if event == "prohibited":
        # As the objection service records one (services/rights/objection).
        return consent_wording(ConsentPurpose(purpose), channel, lang, yes=False), "objection"
    if at.date() >= WORDING_SINCE:
        yes = event == "granted"
        return consent_wording(ConsentPurpose(purpose), channel, lang, yes=yes), WORDING_VERSION
    for since, version, text in OLD_WORDINGS:
        if at.date() >= since:
            return text.format(channel=channel), version
    raise AssertionError("unreachable: the oldest wording has no start")


class _Customer:
    """Builds one customer (and the contact persons of an organisation) into `batch`, and
    what happened to them lately into the result's door traffic."""

    def __init__(
        self,
        reg: RegisterApp,
        rng: random.Random,
        pools: dv.NamePools,
        ids: _Ids,
        numbers: dict[str, int],
        result: DemoResult,
        now: dt.datetime,
    ) -> None:
        self.reg, self.rng, self.pools, self.ids, self.numbers = reg, rng, pools, ids, numbers
        self.result, self.now, self.today = result, now, now.date()
        assert result.traffic is not None
        self.traffic: DoorTraffic = result.traffic
        self.batch: dict[str, list[dict[str, Any]]] = {}
        self.seen: set[str] = set()
        self.vacancies: list[tuple[int, dt.date, str]] = []
        self.site_devices: dict[int, tuple[int, dt.datetime]] = {}  # site: device, installed

    def _number(self) -> str:
        number = str(self.numbers["customer"])
        self.numbers["customer"] += 1
        return number

    def _person_row(
        self,
        pid: int,
        number: str,
        kind: str,
        relationship: str,
        joined_at: dt.datetime,
        source: str,
    ) -> dict[str, Any]:
        return {
            "id": pid,
            "customer_number": number,
            "kind": kind,
            "relationship": relationship,
            "first_names": None,
            "last_name": None,
            "organisation_name": None,
            "hetu_ct": None,
            "hetu_key": None,
            "hetu_bidx": None,
            "business_id": None,
            "birth_year": None,
            "gender": None,
            "mother_tongue": None,
            "customer_class": None,
            "deceased_on": None,
            "restricted": False,
            "restricted_reason": None,
            "created_at": joined_at,
            **_prov(source, joined_at),
        }

    def _name(self, row: dict[str, Any], swedish: bool) -> bool:
        rng, pools = self.rng, self.pools
        female = rng.random() < 0.5
        first_pool = (
            (pools.sv_female if female else pools.sv_male)
            if swedish
            else (pools.fi_female if female else pools.fi_male)
        )
        row["first_names"] = rng.choice(first_pool)
        row["last_name"] = rng.choice(pools.sv_last if swedish else pools.fi_last)
        return female

    def _contact_points(
        self, pid: int, points: list[dict[str, Any]], since: dt.date, at: dt.datetime, source: str
    ) -> None:
        for cp in points:
            self.batch["contact_point"].append(
                {
                    "id": self.ids.take(contact_point),
                    "person_id": pid,
                    "phone": None,
                    "email": None,
                    "street": None,
                    "postal_code": None,
                    "post_office": None,
                    "country": None,
                    "valid_from": since,
                    "valid_to": None,
                    **cp,
                    **_prov(source, at),
                }
            )

    def one(self, room: int) -> int:
        """One customer or prospect, and an organisation's contact persons while `room`
        (persons left in this chunk) allows; how many persons were made."""
        rng, pools, ids, today = self.rng, self.pools, self.ids, self.today
        batch = self.batch
        pid = ids.take(person)
        number = self._number()
        if len(self.result.sample_customer_numbers) < 5:
            self.result.sample_customer_numbers.append(number)
        roll = rng.random()
        kind = "legal" if roll < 0.06 else "natural"
        relationship = "prospect" if 0.06 <= roll < 0.10 else "customer"
        joined = today - dt.timedelta(days=rng.randint(30, 3650))
        # About one in ten customers moves into a site whose previous occupant moved out that day.
        vacancies = self.vacancies
        moving_in = (
            vacancies.pop(rng.randrange(len(vacancies)))
            if (vacancies and rng.random() < 0.1)
            else None
        )
        if moving_in:
            joined = moving_in[1]
        # About one in a hundred consumers was sold their contract in a call the company made
        # in the last weeks; some have not yet accepted the written offer.
        fresh_sale = kind == "natural" and not moving_in and rng.random() < 0.01
        if fresh_sale:
            joined = today - dt.timedelta(days=rng.randint(2, 20))
        joined_at = dt.datetime.combine(joined, dt.time(9, 0), dt.UTC) + dt.timedelta(
            minutes=rng.randint(0, 600)
        )
        joined_at = min(joined_at, self.now)
        source = "order" if relationship == "customer" else "competition_or_event"
        swedish = rng.random() < 0.055  # about the share of Swedish speakers in Finland
        row = self._person_row(pid, number, kind, relationship, joined_at, source)
        # The rules' cases (each shown by the demo's audiences): the deceased, the restricted.
        deceased = restricted = False
        if kind == "natural" and relationship == "customer":
            fate = rng.random()
            deceased, restricted = fate < 0.006, 0.006 <= fate < 0.012
        lang = "sv" if swedish else "fi"
        if kind == "natural":
            female = self._name(row, swedish)
            born = dt.date(rng.randint(1935, 2004), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
            row["birth_year"] = born.year
            row["mother_tongue"] = "sv" if swedish else ("en" if rng.random() < 0.02 else "fi")
            lang = row["mother_tongue"]
            # Gender only where the person stated it, and a class only for customers: a
            # prospect's competition entry says neither (the catalogue's sources for them, P2).
            gender = rng.choice(["female" if female else "male", None, None])
            klass = rng.choice(["household", "household", "household", "premium"])
            if relationship == "customer":
                row["gender"], row["customer_class"] = gender, klass
                code = dv.hetu(rng, born)
                while code in self.seen:
                    code = dv.hetu(rng, born)
                self.seen.add(code)
                sealed = self.reg.cipher.seal(HETU, code)
                row.update(
                    hetu_ct=sealed.ciphertext, hetu_key=sealed.key_id, hetu_bidx=sealed.blind_index
                )
                # A sole trader is a natural person with a business ID, not an organisation.
                if rng.random() < 0.03:
                    row["business_id"] = dv.business_id(rng)
            if deceased:
                row["deceased_on"] = today - dt.timedelta(days=rng.randint(1, 300))
            if restricted:
                row["restricted"], row["restricted_reason"] = True, RESTRICTED_WHY
        else:
            row["organisation_name"] = rng.choice(pools.companies) + f" {pid}"
            row["business_id"] = dv.business_id(rng)
            row["mother_tongue"] = "sv" if swedish else "fi"
            row["customer_class"] = "business"
        batch["person"].append(row)

        postcode, city = rng.choice(pools.places)
        street = f"{rng.choice(pools.streets)} {rng.randint(1, 80)}"
        if rng.random() < 0.4:
            street += f" {rng.choice('ABC')} {rng.randint(1, 40)}"
        local = (row["first_names"] or row["organisation_name"] or "info").split()[0].lower()
        email = f"{local}.{pid}@{rng.choice(pools.email_domains)}"
        phone = f"+3584{rng.randint(0, 9)}{rng.randint(1000000, 9999999)}"
        points: list[dict[str, Any]] = [
            {"kind": "email", "email": email},
            {"kind": "phone", "phone": phone},
        ]
        # A competition entry often gives no postal address: no letter reaches them.
        if relationship == "customer" or rng.random() < 0.7:
            points.append(
                {
                    "kind": "postal",
                    "street": street,
                    "postal_code": postcode,
                    "post_office": city,
                    "country": "FI",
                }
            )
        self._contact_points(pid, points, joined, joined_at, source)
        made = 1
        if kind == "natural" and not deceased:
            self._bans(row, street, postcode, city, phone, joined_at)

        if relationship == "prospect":
            self._consent(pid, "own_marketing", "email", joined_at, "competition_or_event", lang)
            return made
        self._consents(pid, joined_at, lang)
        if kind == "legal":
            for _ in range(rng.choice([1, 1, 2])):
                if made < room:
                    self._contact_person(pid, joined, joined_at, row["organisation_name"])
                    made += 1

        ba = ids.take(billing_account)
        method = rng.choice(["e_invoice", "e_invoice", "direct_payment", "email", "paper"])
        iban_cols: dict[str, Any] = {"iban_ct": None, "iban_key": None, "iban_bidx": None}
        recipient: str | None = email if method == "email" else None
        if method in ("direct_payment", "e_invoice"):
            account = dv.iban(rng)
            sealed = self.reg.cipher.seal(IBAN, account)
            iban_cols = {
                "iban_ct": sealed.ciphertext,
                "iban_key": sealed.key_id,
                "iban_bidx": sealed.blind_index,
            }
            if method == "e_invoice":
                recipient = account  # a consumer's e-invoice address is their account
        rhythm = rng.choice(["monthly", "monthly", "bimonthly", "quarterly"])
        batch["billing_account"].append(
            {
                "id": ba,
                "person_id": pid,
                "street": street,
                "postal_code": postcode,
                "post_office": city,
                "country": "FI",
                "due_day": rng.choice([1, 5, 10, 15, 20, 25]),
                "rhythm": rhythm,
                "method": method,
                **iban_cols,
                **_prov("contract", joined_at),
            }
        )
        # Door traffic only of those whose data the register may process now: a restricted
        # person's feeds are refused (Art. 18) and the deceased make no more contacts.
        doors = not (deceased or restricted)
        buyer = (
            row["organisation_name"]
            if kind == "legal"
            else f"{row['first_names']} {row['last_name']}"
        )
        billing_day = rng.randint(1, 28)
        bill = _Billing(ba, rhythm, billing_day, number, buyer, recipient, doors)

        contract_start = joined
        if moving_in:
            sid, contract_start, street = moving_in[0], moving_in[1], moving_in[2]
        else:
            sid = self._new_site(street, postcode, city, joined_at)
        ended = rng.random() < 0.12
        end = (today - dt.timedelta(days=rng.randint(1, 1500))) if ended else None
        if end is not None and end <= contract_start:
            end = (
                contract_start + dt.timedelta(days=30)
                if contract_start + dt.timedelta(days=30) < today
                else None
            )
        sale = (
            self._telephone_sale(contract_start, joined_at, kind, fresh_sale) if end is None else {}
        )
        cid, cnumber = self._contract(pid, sid, ba, contract_start, end, joined_at, sale)
        home = sid  # the site the customer holds now (a new one after a move)
        if end is not None:
            vacancies.append((sid, end, street))
            if rng.random() < 0.5:
                # The customer moved to a new home: a second site, starting the day they moved.
                street2 = f"{rng.choice(pools.streets)} {rng.randint(1, 80)}"
                sid2 = self._new_site(street2, postcode, city, joined_at)
                self._contract(pid, sid2, ba, end, None, joined_at, {})
                end = None
                home = sid2
        if not (sale.get("sales_call") == "outbound" and sale.get("accepted_at") is None):
            # A telephone sale not accepted in writing is not in force: nothing to bill.
            self._invoices(pid, cid, cnumber, bill, contract_start, end or today)
        if doors and rng.random() < 0.35:
            self._contact(pid, number, joined_at)
        if doors and rng.random() < 0.1:
            self._feedback(pid, number, joined_at)
        if rng.random() < 0.4:
            self._digital_account(pid, email, joined_at, doors)
        if doors and end is None:
            self._device_news(home, joined_at)
        return made

    def _bans(
        self,
        row: dict[str, Any],
        street: str,
        postcode: str,
        city: str,
        phone: str,
        joined_at: dt.datetime,
    ) -> None:
        """Some persons are in the ASML ban registers: the demo's ban file names them."""
        roll = self.rng.random()
        registered = between(self.rng, joined_at - dt.timedelta(days=2000), self.now).date()
        if roll < 0.03:
            self.traffic.bans.append(
                {
                    "kind": "postal",
                    "last_name": row["last_name"],
                    "first_names": row["first_names"],
                    "street": street,
                    "postal_code": postcode,
                    "post_office": city,
                    "phone": "",
                    "registered_on": registered.isoformat(),
                }
            )
        elif roll < 0.06:
            self.traffic.bans.append(
                {"kind": "phone", "phone": phone, "registered_on": registered.isoformat()}
            )

    def _consents(self, pid: int, joined_at: dt.datetime, lang: str) -> None:
        """Permissions given with the contract, later changes of mind, objections per channel
        and to profiling, group marketing allowed and forbidden, subscriptions."""
        rng = self.rng

        def later() -> dt.datetime:
            return between(rng, joined_at, self.now)

        for channel in ("email", "sms"):
            if rng.random() < 0.45:
                self._consent(pid, "own_marketing", channel, joined_at, "contract", lang)
                if rng.random() < 0.08:
                    self._consent(
                        pid, "own_marketing", channel, later(), "web_form", lang, "withdrawn"
                    )
        if rng.random() < 0.1:
            self._consent(pid, "own_marketing", "phone", later(), "phone_call", lang, "prohibited")
        for channel in ("email", "letter"):
            if rng.random() < 0.12:
                self._consent(pid, "group_marketing", channel, joined_at, "contract", lang)
        if rng.random() < 0.05:
            self._consent(
                pid, "group_marketing", "phone", later(), "phone_call", lang, "prohibited"
            )
        if rng.random() < 0.1:
            self._consent(pid, "research", "email", joined_at, "contract", lang)
        subscriptions = (
            ("newsletter", "email", 0.3),
            ("newsletter", "letter", 0.05),
            ("magazine", "letter", 0.25),
        )
        for purpose, channel, share in subscriptions:
            if rng.random() < share:
                self._consent(pid, purpose, channel, joined_at, "web_form", lang)
        if rng.random() < 0.05:
            self._consent(pid, "profiling", ANY_CHANNEL, later(), "web_form", lang, "prohibited")
        # Letters: a subscription to one of them taken and later cancelled, or one forbidden.
        roll = rng.random()
        if roll < 0.1:
            purpose = rng.choice(LETTER_PURPOSES)
            self._consent(pid, purpose, "letter", joined_at, "contract", lang)
            self._consent(pid, purpose, "letter", later(), "letter", lang, "withdrawn")
        elif roll < 0.2:
            purpose = rng.choice(LETTER_PURPOSES)
            self._consent(pid, purpose, "letter", later(), "letter", lang, "prohibited")

    def _consent(
        self,
        pid: int,
        purpose: str,
        channel: str,
        at: dt.datetime,
        how: str,
        lang: str,
        event: str = "granted",
    ) -> None:
        said, version = wording(purpose, channel, at, event, lang)
        self.batch["consent_event"].append(
            {
                "id": self.ids.take(consent_event),
                "person_id": pid,
                "purpose": purpose,
                "channel": channel,
                "event": event,
                "at": at,
                "captured_how": how,
                "captured_by": "demo",
                "wording": said,
                "wording_version": version,
                "ip_address": None,
                "user_agent": None,
                "expires_at": None,
                **_prov("contract" if how == "contract" else "customer_contact", at),
            }
        )

    def _contact_person(
        self, organisation: int, since: dt.date, at: dt.datetime, name: str | None
    ) -> None:
        """A natural person acting for the organisation, with their own business contact
        points; the data subject is they, not the organisation."""
        rng = self.rng
        pid = self.ids.take(person)
        row = self._person_row(pid, self._number(), "natural", "customer", at, "contract")
        self._name(row, rng.random() < 0.055)
        row["mother_tongue"] = "fi"
        self.batch["person"].append(row)
        domain = (name or "yritys").split()[0].lower().strip(",.") or "yritys"
        email = f"{row['first_names'].split()[0].lower()}.{pid}@{domain}.example"
        phone = f"+3585{rng.randint(0, 9)}{rng.randint(1000000, 9999999)}"
        self._contact_points(
            pid, [{"kind": "email", "email": email}, {"kind": "phone", "phone": phone}], since, at,
            "contract",
        )  # fmt: skip
        self.batch["contact_person"].append(
            {
                "id": self.ids.take(contact_person),
                "organisation_id": organisation,
                "person_id": pid,
                "role": rng.choice(["contact", "contact", "signatory", "invoice_receiver"]),
                "valid_from": since,
                "valid_to": None,
                **_prov("contract", at),
            }
        )
        # Marketing to them in their business role goes until they object (the business rule).
        if rng.random() < 0.2:
            self._consent(
                pid, "own_marketing", "email", between(rng, at, self.now), "web_form", "fi",
                "prohibited",
            )  # fmt: skip

    def _new_site(self, street: str, postcode: str, city: str, at: dt.datetime) -> int:
        rng, ids, batch = self.rng, self.ids, self.batch
        sid = ids.take(site)
        heating = rng.choice(HEATING)
        housing = rng.choice(HOUSING)
        batch["site"].append(
            {
                "id": sid,
                "street": street,
                "postal_code": postcode,
                "post_office": city,
                "housing_type": housing,
                "ownership": rng.choice(["owner", "tenant"]),
                "usage_timing": rng.choice(["general", "general", "time_of_day", "seasonal"]),
                "heating_type": heating,
                "consumption_estimate_kwh": (
                    rng.randint(12000, 25000) if heating == "electric" else rng.randint(1500, 8000)
                ),
                "main_fuse_a": rng.choice([25, 25, 35, 63]) if housing != "apartment" else 25,
                "connection_details": None,
                **_prov("contract", at),
            }
        )
        batch["metering_point"].append(
            {
                "id": ids.take(metering_point),
                "site_id": sid,
                "gsrn": dv.gsrn(rng),
                "kind": "consumption",
                **_prov("energy_meter", at),
            }
        )
        if rng.random() < 0.3:
            device_id = ids.take(device)
            batch["device"].append(
                {
                    "id": device_id,
                    "site_id": sid,
                    "kind": rng.choice(DEVICE_KINDS),
                    "description": None,
                    "installed_on": at.date(),
                    **_prov("customer_contact", at),
                }
            )
            self.site_devices[sid] = (device_id, at)
        return sid

    def _device_news(self, sid: int, joined_at: dt.datetime) -> None:
        """Now and then, in the door days, a device installed at the customer's site or one
        taken away, recorded at customer service through the device door (demo/doors.py)."""
        traffic, rng = self.traffic, self.traffic.rng
        had = self.site_devices.get(sid)
        row = None
        if had is not None and traffic.through_doors(had[1]):
            # Installed with a site that is itself of the door days: through the door too (the
            # row is still in this customer's batch; one already written stays in the bulk).
            row = next((r for r in reversed(self.batch["device"]) if r["id"] == had[0]), None)
        if row is not None:
            self.batch["device"].remove(row)
            del self.site_devices[sid]
            fields = ("kind", "description", "installed_on")
            traffic.devices.append((sid, {f: row[f] for f in fields}))
        # Rates higher than a real three days' (a few a year per hundred homes), so that a small
        # demo shows each door, and low enough that 100,000 customers' doors stay cheap.
        if rng.random() < 0.005:
            day = between(rng, max(joined_at, traffic.since), self.now).date()
            traffic.devices.append(
                (sid, {"kind": rng.choice(DEVICE_KINDS), "description": None, "installed_on": day})
            )
        had = self.site_devices.get(sid)
        if had is not None and rng.random() < 0.02:
            device_id, installed_at = self.site_devices.pop(sid)
            traffic.removals.append(
                (device_id, between(rng, max(installed_at, traffic.since), self.now).date())
            )

    def _telephone_sale(
        self, start: dt.date, at: dt.datetime, kind: str, fresh: bool
    ) -> dict[str, Any]:
        """Some consumer contracts since 2023 were sold by phone: a call the customer made, or
        one the company made, whose written offer the consumer accepts in writing (or has not
        yet: such a contract is not in force)."""
        rng = self.rng
        if not fresh and (kind != "natural" or start < dt.date(2023, 1, 1) or rng.random() > 0.1):
            return {}
        call = at
        if not fresh and rng.random() < 0.4:
            return {"sales_call": "inbound", "sales_call_at": call}
        offer = min(call + dt.timedelta(hours=rng.randint(1, 30)), self.now)
        sale = {
            "sales_call": "outbound",
            "sales_call_at": call,
            "offer_sent_at": offer,
            "offer_sent_how": rng.choice(["email", "email", "letter"]),
        }
        if fresh and rng.random() < 0.5:
            return sale  # the written acceptance has not come (yet)
        accepted = min(offer + dt.timedelta(hours=rng.randint(2, 200)), self.now)
        return {
            **sale,
            "accepted_at": accepted,
            "accepted_how": rng.choice(["email", "self_service"]),
        }

    def _contract(
        self,
        pid: int,
        sid: int,
        ba: int,
        start: dt.date,
        end: dt.date | None,
        at: dt.datetime,
        sale: dict[str, Any],
    ) -> tuple[int, str]:
        rng = self.rng
        cid = self.ids.take(contract)
        number = f"S{self.numbers['contract']}"
        self.numbers["contract"] += 1
        fixed = (
            (start + dt.timedelta(days=365 * rng.choice([1, 2]))) if rng.random() < 0.3 else None
        )
        self.batch["contract"].append(
            {
                "id": cid,
                "contract_number": number,
                "person_id": pid,
                "site_id": sid,
                "billing_account_id": ba,
                "kind": "sales",
                "product": rng.choice(PRODUCTS),
                "start_date": start,
                "end_date": end,
                "fixed_term_end": fixed,
                "end_reason": "moved_out" if end else None,
                "sales_call": None,
                "sales_call_at": None,
                "offer_sent_at": None,
                "offer_sent_how": None,
                "accepted_at": None,
                "accepted_how": None,
                **sale,
                **_prov("contract", at, number),
            }
        )
        return cid, number

    def _invoices(
        self, pid: int, cid: int, cnumber: str, bill: _Billing, start: dt.date, end: dt.date
    ) -> None:
        """A year of invoices: those of the last DOOR_DAYS days come as the billing system's
        Finvoice batch, the payments of those days as the bank's camt.054 notification."""
        rng, traffic, today = self.rng, self.traffic, self.today
        step = {"monthly": 1, "bimonthly": 2, "quarterly": 3}[bill.rhythm]
        first = max(start, today - dt.timedelta(days=365))
        month = dt.date(first.year, first.month, 1)
        late_payer = rng.random() < 0.08
        while month <= end:
            # The billing system bills each account on its own day of the month, so the
            # invoices of a few days are a share of the customers, not all of them.
            issued = month + dt.timedelta(days=bill.billing_day - 1)
            if issued > today:
                break
            due = issued + dt.timedelta(days=14)
            number = self.numbers["invoice"]
            self.numbers["invoice"] += 1
            amount = rng.randint(2500, 35000) * step
            status = "paid"
            paid_on: dt.date | None = due - dt.timedelta(days=rng.randint(0, 5))
            if late_payer and rng.random() < 0.5:
                paid_on = due + dt.timedelta(days=rng.randint(3, 40))
            if paid_on is not None and paid_on > today:
                status, paid_on = "open", None
            if late_payer and due < today - dt.timedelta(days=60) and rng.random() < 0.3:
                status, paid_on = "in_collection", None
            reference = make_invoice_reference(number)
            by_bank = bill.doors and paid_on is not None and traffic.through_doors(paid_on)
            if bill.doors and traffic.through_doors(issued):
                traffic.invoices.append(
                    OutInvoice(
                        str(number), bill.customer_number, bill.buyer, cnumber, reference,
                        issued, due, amount, "NOTPAID", bill.recipient,
                    )
                )  # fmt: skip
            else:
                settled = status == "paid" and not by_bank
                self.batch["invoice"].append(
                    {
                        "id": self.ids.take(invoice),
                        "invoice_number": str(number),
                        "person_id": pid,
                        "billing_account_id": bill.account,
                        "contract_id": cid,
                        "reference": reference,
                        "issued_on": issued,
                        "due_on": due,
                        "amount_cents": amount,
                        "status": status if settled or status != "paid" else "open",
                        "paid_on": paid_on if settled else None,
                        "reminders": 0 if status == "paid" and paid_on and paid_on <= due else 1,
                        **_prov("register_itself", dt.datetime.combine(issued, dt.time(6), dt.UTC)),
                    }
                )
                if settled and paid_on is not None:
                    self.batch["payment"].append(
                        {
                            "id": self.ids.take(payment),
                            "invoice_id": self.ids.next[invoice.name] - 1,
                            "paid_on": paid_on,
                            "amount_cents": amount,
                            "method": "bank_transfer",
                            **_prov(
                                "register_itself", dt.datetime.combine(paid_on, dt.time(6), dt.UTC)
                            ),
                        }
                    )
            if by_bank and paid_on is not None:
                paid = amount
                if rng.random() < 0.02:
                    paid = amount - rng.randint(100, amount // 2)  # a partial payment
                elif rng.random() < 0.01:
                    paid = amount + rng.randint(100, 2000)  # paid too much
                traffic.payments.append(
                    OutPayment(
                        traffic.serial("BANK"), reference, f"{paid // 100}.{paid % 100:02d}",
                        paid_on, bill.buyer,
                    )
                )  # fmt: skip
            month = dt.date(
                month.year + (month.month - 1 + step) // 12, (month.month - 1 + step) % 12 + 1, 1
            )

    def _contact(self, pid: int, number: str, joined_at: dt.datetime) -> None:
        """A contact with customer service in the last year: recent ones (and the recordings
        of recent calls) come in the customer-service system's feed."""
        rng = self.rng
        # The latest contact: most are recent (a customer who calls, calls again).
        ago = dt.timedelta(days=min(rng.expovariate(1 / 60), 365))
        at = max(joined_at, self.now - ago)
        channel = rng.choice(CHANNELS)
        fields = {
            "at": at,
            "channel": channel,
            "direction": "inbound" if rng.random() < 0.85 else "outbound",
            "topic": rng.choice(TOPICS),
            "note": rng.choice(NOTES),
            "handled_by": STAFF,
        }
        if self.traffic.through_doors(at):
            ref = self.traffic.serial("CS")
            self.traffic.contacts.append({"ref": ref, "customer_number": number, **fields})
            if channel == "phone" and rng.random() < 0.5:
                self.traffic.recordings.append(OutRecording(ref, number, at, rng.randint(2, 6)))
            return
        self.batch["contact_log"].append(
            {
                "id": self.ids.take(contact_log),
                "person_id": pid,
                **fields,
                **_prov("customer_contact", at),
            }
        )

    def _feedback(self, pid: int, number: str, joined_at: dt.datetime) -> None:
        rng = self.rng
        at = between(rng, max(joined_at, self.now - dt.timedelta(days=365)), self.now)
        fields = {
            "at": at,
            "channel": rng.choice(["web", "survey", "survey"]),
            "satisfaction": rng.randint(1, 5),
            "text": rng.choice(FEEDBACK_TEXTS),
        }
        if self.traffic.through_doors(at):
            ref = self.traffic.serial("SRV")
            self.traffic.feedback.append({"ref": ref, "customer_number": number, **fields})
            return
        self.batch["feedback"].append(
            {"id": self.ids.take(feedback), "person_id": pid, **fields}
            | _prov("customer_contact", at)
        )

    def _digital_account(self, pid: int, login: str, joined_at: dt.datetime, doors: bool) -> None:
        """The self-service account; its last login before the last DOOR_DAYS days is in the
        bulk history, the logins since come in the self-service's login feed."""
        rng = self.rng
        last: dt.datetime | None = None
        if rng.random() < 0.7 and joined_at < self.traffic.since:
            last = between(rng, joined_at, self.traffic.since)
        traffic = self.traffic
        registered = joined_at
        if doors and not traffic.through_doors(joined_at) and traffic.rng.random() < 0.01:
            # A customer of long standing registers in the door days.
            registered = between(traffic.rng, traffic.since, self.now)
        if doors and traffic.through_doors(registered):
            # Registered in the door days: through the self-service door (demo/doors.py).
            traffic.accounts.append((pid, login, registered))
        else:
            self.batch["digital_account"].append(
                {
                    "id": self.ids.take(digital_account),
                    "person_id": pid,
                    "login": login,
                    "registered_at": joined_at,
                    "last_login_at": last,
                    "closed_at": None,
                    **_prov("customer_contact", joined_at),
                }
            )
        if doors and rng.random() < 0.015:
            start = max(joined_at, traffic.since)
            for _ in range(rng.randint(1, 3)):
                # Not before the registration (drawn as before it moved, so that the customers
                # drawn after this one stay the same).
                traffic.logins.append((login, max(registered, between(rng, start, self.now))))


@dataclass(frozen=True)
class _Billing:
    account: int
    rhythm: str
    billing_day: int  # the day of the month the billing system bills the account
    customer_number: str
    buyer: str
    recipient: str | None  # where the billing system sends the invoice (None: on paper)
    doors: bool  # whether this customer's recent invoices come through the doors
