"""`rekisteri demo`: a realistic synthetic register, deterministic for a seed, fast in bulk.

Rows are generated in chunks and inserted with executemany in one transaction per chunk, so a
million customers take minutes. Identifiers are valid (HETU, business ID, GSRN, IBAN) and
sensitive ones are encrypted exactly as the services do it. The whole generation is one
operation for the audit trail: one change entry names every person it made (RegisterApp.changing
tracks the bulk loads).
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
from rekisteri.adapters.schema.register import (
    billing_account,
    call_recording,
    consent_event,
    contact_log,
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
from rekisteri.domain.references import make_invoice_reference
from rekisteri.services.marketing import ledger_state
from rekisteri.services.unit_of_work import Actor, RegisterApp, Transaction

CHUNK = 5000
# The most numbers one customer uses: two contracts (moved to a new home), and 13 invoices
# (billed monthly for a year back from today: that month and this one both, after the 3rd).
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
    call_recording,
    feedback,
    digital_account,
    consent_event,
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
    today = reg.clock().date()
    result = DemoResult()
    with transaction() as conn:
        ids = _Ids(
            {
                t.name: int(conn.execute(select(func.coalesce(func.max(t.c.id), 0))).scalar_one())
                + 1
                for t in TABLES
            }
        )
        # Whole blocks of numbers, taken like the services take one (never a number they take).
        start_number = number_series.take(conn, "customer", 100001, customers)
        start_contract = number_series.take(conn, "contract", 1000001, customers * CONTRACTS_EACH)
        start_invoice = number_series.take(conn, "invoice", 5000001, customers * INVOICES_EACH)
    numbers = {"customer": start_number, "contract": start_contract, "invoice": start_invoice}
    seen_hetu: set[str] = set()
    vacancies: list[tuple[int, dt.date, str]] = []
    done = 0
    while done < customers:
        n = min(CHUNK, customers - done)
        batch: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
        started = time.perf_counter()
        for _ in range(n):
            _one_customer(reg, rng, pools, ids, numbers, batch, today, seen_hetu, vacancies, result)
        built = time.perf_counter()
        result.generating_seconds += built - started
        with transaction() as conn:
            for t in TABLES:
                if batch[t.name]:
                    bulk_insert(conn, t, batch[t.name])
                    result.rows[t.name] = result.rows.get(t.name, 0) + len(batch[t.name])
            # The ledger's current state is kept with every append, bulk ones too.
            ledger_state.refresh(conn, sorted({r["person_id"] for r in batch["consent_event"]}))
        result.inserting_seconds += time.perf_counter() - built
        done += n
        if progress:
            progress(n)
    result.customers = customers
    return result


def _prov(source: str, at: dt.datetime, detail: str | None = None) -> dict[str, Any]:
    return {"source": source, "source_detail": detail, "received_at": at}


def _one_customer(
    reg: RegisterApp,
    rng: random.Random,
    pools: dv.NamePools,
    ids: _Ids,
    numbers: dict[str, int],
    batch: dict[str, list[dict[str, Any]]],
    today: dt.date,
    seen: set[str],
    vacancies: list[tuple[int, dt.date, str]],
    result: DemoResult,
) -> None:
    pid = ids.take(person)
    number = str(numbers["customer"])
    numbers["customer"] += 1
    if len(result.sample_customer_numbers) < 5:
        result.sample_customer_numbers.append(number)
    roll = rng.random()
    kind = "legal" if roll < 0.06 else "natural"
    relationship = "prospect" if 0.06 <= roll < 0.10 else "customer"
    joined = today - dt.timedelta(days=rng.randint(30, 3650))
    # About one in ten customers moves into a site whose previous occupant moved out that day.
    moving_in = (
        vacancies.pop(rng.randrange(len(vacancies))) if (vacancies and rng.random() < 0.1) else None
    )
    if moving_in:
        joined = moving_in[1]
    joined_at = dt.datetime.combine(joined, dt.time(9, 0), dt.UTC) + dt.timedelta(
        minutes=rng.randint(0, 600)
    )
    source = "order" if relationship == "customer" else "competition_or_event"
    swedish = rng.random() < 0.055  # about the share of Swedish speakers in Finland
    row: dict[str, Any] = {
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
    if kind == "natural":
        female = rng.random() < 0.5
        first_pool = (
            (pools.sv_female if female else pools.sv_male)
            if swedish
            else (pools.fi_female if female else pools.fi_male)
        )
        row["first_names"] = rng.choice(first_pool)
        row["last_name"] = rng.choice(pools.sv_last if swedish else pools.fi_last)
        born = dt.date(rng.randint(1935, 2004), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
        row["birth_year"] = born.year
        row["mother_tongue"] = "sv" if swedish else ("en" if rng.random() < 0.02 else "fi")
        # Gender only where the person stated it, and a class only for customers: a prospect's
        # competition entry says neither (the catalogue's sources for them, P2).
        gender = rng.choice(["female" if female else "male", None, None])
        klass = rng.choice(["household", "household", "household", "premium"])
        if relationship == "customer":
            row["gender"], row["customer_class"] = gender, klass
        if relationship == "customer":
            code = dv.hetu(rng, born)
            while code in seen:
                code = dv.hetu(rng, born)
            seen.add(code)
            sealed = reg.cipher.seal(HETU, code)
            row.update(
                hetu_ct=sealed.ciphertext, hetu_key=sealed.key_id, hetu_bidx=sealed.blind_index
            )
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
    for cp in (
        {"kind": "email", "email": email},
        {"kind": "phone", "phone": phone},
        {
            "kind": "postal",
            "street": street,
            "postal_code": postcode,
            "post_office": city,
            "country": "FI",
        },
    ):
        batch["contact_point"].append(
            {
                "id": ids.take(contact_point),
                "person_id": pid,
                "phone": None,
                "email": None,
                "street": None,
                "postal_code": None,
                "post_office": None,
                "country": None,
                "valid_from": joined,
                "valid_to": None,
                **cp,
                **_prov(source, joined_at),
            }
        )

    if relationship == "prospect":
        batch["consent_event"].append(
            _consent(ids, pid, "own_marketing", "email", joined_at, "competition_or_event")
        )
        return
    for channel in ("email", "sms"):
        if rng.random() < 0.45:
            batch["consent_event"].append(
                _consent(ids, pid, "own_marketing", channel, joined_at, "contract")
            )
    if rng.random() < 0.1:
        batch["consent_event"].append(
            _consent(
                ids,
                pid,
                "own_marketing",
                "phone",
                joined_at + dt.timedelta(days=30),
                "phone_call",
                "prohibited",
            )
        )

    ba = ids.take(billing_account)
    method = rng.choice(["e_invoice", "e_invoice", "direct_payment", "email", "paper"])
    iban_cols: dict[str, Any] = {"iban_ct": None, "iban_key": None, "iban_bidx": None}
    if method in ("direct_payment", "e_invoice"):
        sealed = reg.cipher.seal(IBAN, dv.iban(rng))
        iban_cols = {
            "iban_ct": sealed.ciphertext,
            "iban_key": sealed.key_id,
            "iban_bidx": sealed.blind_index,
        }
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

    contract_start = joined
    if moving_in:
        sid, contract_start, street = moving_in[0], moving_in[1], moving_in[2]
    else:
        sid = _new_site(rng, ids, batch, street, postcode, city, joined_at)
    ended = rng.random() < 0.12
    end = (today - dt.timedelta(days=rng.randint(1, 1500))) if ended else None
    if end is not None and end <= contract_start:
        end = (
            contract_start + dt.timedelta(days=30)
            if contract_start + dt.timedelta(days=30) < today
            else None
        )
    cid = _contract(rng, numbers, ids, batch, pid, sid, ba, contract_start, end, joined_at)
    if end is not None:
        vacancies.append((sid, end, street))
        if rng.random() < 0.5:
            # The customer moved to a new home: a second site, starting the day they moved.
            street2 = f"{rng.choice(pools.streets)} {rng.randint(1, 80)}"
            sid2 = _new_site(rng, ids, batch, street2, postcode, city, joined_at)
            _contract(rng, numbers, ids, batch, pid, sid2, ba, end, None, joined_at)
            end = None
    _invoices(rng, ids, numbers, batch, pid, ba, cid, contract_start, end or today, today, rhythm)
    if rng.random() < 0.35:
        log_id = ids.take(contact_log)
        at = joined_at + dt.timedelta(days=rng.randint(1, 300))
        batch["contact_log"].append(
            {
                "id": log_id,
                "person_id": pid,
                "at": at,
                "channel": "phone",
                "direction": "inbound",
                "topic": rng.choice(["billing", "move", "contract", "fault"]),
                "note": None,
                "handled_by": "demo",
                **_prov("customer_contact", at),
            }
        )
        if rng.random() < 0.6:
            batch["call_recording"].append(
                {
                    "id": ids.take(call_recording),
                    "person_id": pid,
                    "contact_log_id": log_id,
                    "recorded_at": at,
                    "duration_seconds": rng.randint(40, 900),
                    "file_ref": f"recordings/{at:%Y/%m}/{log_id}.opus",
                    "file_destroyed_at": None,
                    **_prov("customer_contact", at),
                }
            )
    if rng.random() < 0.1:
        at = joined_at + dt.timedelta(days=rng.randint(1, 200))
        batch["feedback"].append(
            {
                "id": ids.take(feedback),
                "person_id": pid,
                "at": at,
                "channel": "web",
                "satisfaction": rng.randint(1, 5),
                "text": None,
                **_prov("customer_contact", at),
            }
        )
    if rng.random() < 0.4:
        batch["digital_account"].append(
            {
                "id": ids.take(digital_account),
                "person_id": pid,
                "login": email,
                "registered_at": joined_at,
                "last_login_at": None,
                "closed_at": None,
                **_prov("customer_contact", joined_at),
            }
        )


def _new_site(
    rng: random.Random,
    ids: _Ids,
    batch: dict[str, list[dict[str, Any]]],
    street: str,
    postcode: str,
    city: str,
    at: dt.datetime,
) -> int:
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
        batch["device"].append(
            {
                "id": ids.take(device),
                "site_id": sid,
                "kind": rng.choice(["heat_pump", "ev_charger", "solar_panels"]),
                "description": None,
                "installed_on": at.date(),
                **_prov("customer_contact", at),
            }
        )
    return sid


def _contract(
    rng: random.Random,
    numbers: dict[str, int],
    ids: _Ids,
    batch: dict[str, list[dict[str, Any]]],
    pid: int,
    sid: int,
    ba: int,
    start: dt.date,
    end: dt.date | None,
    at: dt.datetime,
) -> int:
    cid = ids.take(contract)
    number = f"S{numbers['contract']}"
    numbers["contract"] += 1
    fixed = (start + dt.timedelta(days=365 * rng.choice([1, 2]))) if rng.random() < 0.3 else None
    batch["contract"].append(
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
            **_prov("contract", at, number),
        }
    )
    return cid


def _consent(
    ids: _Ids,
    pid: int,
    purpose: str,
    channel: str,
    at: dt.datetime,
    how: str,
    event: str = "granted",
) -> dict[str, Any]:
    return {
        "id": ids.take(consent_event),
        "person_id": pid,
        "purpose": purpose,
        "channel": channel,
        "event": event,
        "at": at,
        "captured_how": how,
        "captured_by": "demo",
        "wording": "Saa lähettää tarjouksia ja uutisia.",
        "wording_version": "2024-1",
        "ip_address": None,
        "user_agent": None,
        "expires_at": None,
        **_prov("contract" if how == "contract" else "customer_contact", at),
    }


def _invoices(
    rng: random.Random,
    ids: _Ids,
    numbers: dict[str, int],
    batch: dict[str, list[dict[str, Any]]],
    pid: int,
    ba: int,
    cid: int,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    rhythm: str,
) -> None:
    step = {"monthly": 1, "bimonthly": 2, "quarterly": 3}[rhythm]
    first = max(start, today - dt.timedelta(days=365))
    month = dt.date(first.year, first.month, 1)
    late_payer = rng.random() < 0.08
    while month <= end:
        issued = month + dt.timedelta(days=3)
        if issued > today:
            break
        due = issued + dt.timedelta(days=14)
        inv = ids.take(invoice)
        number = numbers["invoice"]
        numbers["invoice"] += 1
        amount = rng.randint(2500, 35000) * step
        status = "paid"
        paid_on: dt.date | None = due - dt.timedelta(days=rng.randint(0, 5))
        if late_payer and rng.random() < 0.5:
            paid_on = due + dt.timedelta(days=rng.randint(3, 40))
        if paid_on is not None and paid_on > today:
            status, paid_on = "open", None
        if late_payer and due < today - dt.timedelta(days=60) and rng.random() < 0.3:
            status, paid_on = "in_collection", None
        batch["invoice"].append(
            {
                "id": inv,
                "invoice_number": str(number),
                "person_id": pid,
                "billing_account_id": ba,
                "contract_id": cid,
                "reference": make_invoice_reference(number),
                "issued_on": issued,
                "due_on": due,
                "amount_cents": amount,
                "status": status,
                "paid_on": paid_on,
                "reminders": 0 if status == "paid" and paid_on and paid_on <= due else 1,
                **_prov("register_itself", dt.datetime.combine(issued, dt.time(6), dt.UTC)),
            }
        )
        if paid_on:
            batch["payment"].append(
                {
                    "id": ids.take(payment),
                    "invoice_id": inv,
                    "paid_on": paid_on,
                    "amount_cents": amount,
                    "method": "bank_transfer",
                    **_prov("register_itself", dt.datetime.combine(paid_on, dt.time(6), dt.UTC)),
                }
            )
        month = dt.date(
            month.year + (month.month - 1 + step) // 12, (month.month - 1 + step) % 12 + 1, 1
        )
