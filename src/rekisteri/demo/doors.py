"""The demo's last DOOR_DAYS days, sent through the register's doors as the outside systems
send them: each written as a file into a directory and imported by the import service a real
file goes through, one unit of work a file, in the order the systems depend on each other:

1. the ASML ban file (`rekisteri import bans`): some of the demo's persons are banned (not
   sent to a register that holds bans already: a ban file replaces the bans held);
2. the billing system's Finvoice 3.0 batch of those days' invoices (`import invoices`);
3. the bank's camt.054 notification of those days' payments (`import payments`): partial and
   over payments, and some that name no invoice, quarantined with a staff task each;
4. the customer-service system's contact feed (`import contacts`);
5. the phone system's call recordings, short generated WAV files sealed into the encrypted
   file store (`recording add`), each linked to its contact from the feed;
6. the survey system's feedback feed (`import feedback`) and the self-service's login feed
   (`import logins`);
7. representatives recorded by customer service (an estate's contact, a guardian, a power of
   attorney) and an access request made by the attorney (demo/representatives).
8. Datahub's market events (`import market-events`): a move, switches both ways, a metering
   point's new data (demo/market_events.py).
9. the trade register's company data and a mover service's address changes (`import
   trade-register`, `import address-changes`; demo/updates.py).
10. the population register's changes of some of the demo's persons (`import population`):
   deaths, turvakielto, a guardianship, moves, name and language changes, marketing bans.
11. the credit checks of the newest contracts (`credit check`), answered by a local service the
   demo starts, its answers kept as a file (demo/credit_checks.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from rekisteri.adapters.camt054_writer import OutPayment, write_notification_file
from rekisteri.adapters.finvoice_writer import write_batch_file
from rekisteri.adapters.schema.marketing import marketing_ban
from rekisteri.adapters.schema.register import contact_log
from rekisteri.demo import representatives, updates
from rekisteri.demo.credit_checks import credit_checks
from rekisteri.demo.market_events import market_events
from rekisteri.demo.population import population_changes
from rekisteri.demo.traffic import DoorTraffic, OutRecording
from rekisteri.domain.recordings import RecordingMeta
from rekisteri.domain.references import make_invoice_reference
from rekisteri.domain.register import Provenance
from rekisteri.services.billing.invoices import import_invoice_file
from rekisteri.services.billing.payments import import_payment_file
from rekisteri.services.contacts.feedback import import_feedback
from rekisteri.services.contacts.log import import_contacts
from rekisteri.services.marketing import bans
from rekisteri.services.recordings import audio
from rekisteri.services.register import devices, digital_accounts
from rekisteri.services.register.digital_accounts import import_logins
from rekisteri.services.unit_of_work import Actor, RegisterApp

ACTOR = Actor("demo")
RATE = 8000  # telephone audio: 8 kHz, 8-bit, mono
STRANGERS = (  # bans of persons who are not in the register: a real file names mostly those
    {"kind": "phone", "phone": "+358401234567", "registered_on": "2024-01-01"},
    {"kind": "phone", "phone": "+358501112223", "registered_on": "2025-06-15"},
)
BAN_COLUMNS = (
    "kind",
    "last_name",
    "first_names",
    "street",
    "postal_code",
    "post_office",
    "phone",
    "registered_on",
)


@dataclass
class DoorsResult:
    """What came in through each door: a line each for the demo's report."""

    lines: list[str] = field(default_factory=list)
    files: int = 0


def steps(traffic: DoorTraffic) -> int:
    """How many steps `through_the_doors` reports (for a progress bar)."""
    return 13


def through_the_doors(
    reg: RegisterApp,
    traffic: DoorTraffic,
    directory: Path,
    progress: Callable[[int], None] | None = None,
) -> DoorsResult:
    """Write the traffic's files into `directory` and import each through its door."""
    directory.mkdir(parents=True, exist_ok=True)
    result = DoorsResult()
    day = f"{traffic.today:%Y%m%d}-{traffic.seed}"

    def done(line: str) -> None:
        result.lines.append(line)
        result.files += 1
        if progress:
            progress(1)

    done(_bans(reg, traffic, directory / f"asml-{day}.csv"))
    done(_invoices(reg, traffic, directory / f"finvoice-{day}.xml"))
    done(_payments(reg, traffic, directory / f"camt054-{day}.xml"))
    done(_feed(reg, import_contacts, traffic.contacts, directory / f"contacts-{day}.csv"))
    done(_recordings(reg, traffic.recordings, directory / "recordings"))
    done(_feed(reg, import_feedback, traffic.feedback, directory / f"feedback-{day}.csv"))
    done(_at_customer_service(reg, traffic))  # accounts before the logins feed names them
    logins = [{"login": login, "at": at} for login, at in traffic.logins]
    done(_feed(reg, import_logins, logins, directory / f"logins-{day}.csv"))
    done(representatives.record(reg, traffic))
    done(market_events(reg, traffic, directory / f"market-events-{day}.xml"))
    done(updates.trade_register_and_movers(reg, traffic, directory))
    done(population_changes(reg, traffic, directory / f"population-{day}.json"))
    done(credit_checks(reg, traffic, directory / f"credit-answers-{day}.json"))
    return result


def _bans(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    with reg.engine.connect() as conn:
        held = conn.execute(select(func.count()).select_from(marketing_ban)).scalar_one()
    if held:
        # A ban file replaces the bans held: the demo never replaces a register's own list.
        return f"ASML ban file: not sent, the register holds {held:,} bans of its own"
    _write_csv(path, BAN_COLUMNS, [*traffic.bans, *STRANGERS])
    read = bans.read_ban_file(path, traffic.today)
    with reg.unit_of_work(ACTOR) as uow:
        done = bans.import_bans(uow, read.bans, path.name, end=read.end)
    return (
        f"ASML ban file: {done.postal:,} postal and {done.phone:,} phone bans, "
        f"{done.matched_persons:,} persons of the register banned"
    )


def _invoices(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    if not traffic.invoices:
        return "Finvoice: no invoices in the last billing run"
    write_batch_file(path, traffic.invoices)
    with reg.unit_of_work(ACTOR) as uow:
        return "Finvoice " + import_invoice_file(uow, path).describe()


def _unmatched(traffic: DoorTraffic) -> list[OutPayment]:
    """About one payment in a hundred names no invoice of the register: a reference mistyped
    or left out. The bank cannot resend them corrected; they are kept for review."""
    rng = random.Random(traffic.seed)
    out = []
    count = max(2, len(traffic.payments) // 100)
    for n in range(count):
        ref = make_invoice_reference(99_000_000 + rng.randrange(900_000)) if n % 2 == 0 else None
        cents = rng.randint(2500, 35000)
        booked = traffic.today - dt.timedelta(days=rng.randint(0, 20))
        out.append(
            OutPayment(
                traffic.serial("BANK"), ref, f"{cents // 100}.{cents % 100:02d}", booked, None
            )
        )
    return out


def _payments(reg: RegisterApp, traffic: DoorTraffic, path: Path) -> str:
    payments = sorted(
        [*traffic.payments, *_unmatched(traffic)],
        key=lambda p: (str(p.booked_on), p.bank_ref or ""),
    )
    write_notification_file(
        path, payments, message_id=f"DEMO-{traffic.seed}-{traffic.today:%Y%m%d}",
        created=traffic.now,
    )  # fmt: skip
    with reg.unit_of_work(ACTOR) as uow:
        return "camt.054 " + import_payment_file(uow, path).describe().splitlines()[0]


def _at_customer_service(reg: RegisterApp, traffic: DoorTraffic) -> str:
    """What customer service typed in during the door days, through the same services as
    `rekisteri device add|remove` and `rekisteri self-service register`."""
    with reg.unit_of_work(ACTOR) as uow:
        told = Provenance.of("customer_contact", uow.now(), "demo: customer service")
        for site_id, fields in traffic.devices:
            devices.add_device(uow, site_id, fields, told)
        for device_id, on in traffic.removals:
            devices.remove_device(uow, device_id, on, None, told)
        for person_id, login, at in traffic.accounts:
            digital_accounts.register_account(
                uow, person_id, {"login": login, "registered_at": at}, told
            )
    return (
        f"customer service: {len(traffic.devices)} devices recorded, {len(traffic.removals)} "
        f"removed, {len(traffic.accounts)} self-service accounts registered"
    )


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, columns, extrasaction="ignore")
        out.writeheader()
        for row in rows:
            out.writerow(
                {
                    k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                    for k, v in row.items()
                    if v is not None
                }
            )


def _feed(
    reg: RegisterApp, door: Callable[..., Any], rows: list[dict[str, Any]], path: Path
) -> str:
    if not rows:
        return f"{path.name}: nothing to send"
    _write_csv(path, tuple(rows[0]), rows)
    with reg.unit_of_work(ACTOR) as uow:
        return str(door(uow, path).describe())


def _clip(seconds: int, voice: int) -> bytes:
    """A WAV file of `seconds` of a voice-like warble around `voice` Hz: one second computed,
    repeated (the demo needs audio the file store seals, not speech)."""
    second = bytearray()
    for i in range(RATE):
        t = i / RATE
        pitch = voice * (1 + 0.15 * math.sin(2 * math.pi * 3 * t))
        envelope = 0.5 + 0.5 * math.sin(2 * math.pi * t) ** 2
        second.append(128 + int(90 * envelope * math.sin(2 * math.pi * pitch * t)))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(RATE)
        w.writeframes(bytes(second) * seconds)
    return out.getvalue()


def _recordings(reg: RegisterApp, recordings: list[OutRecording], directory: Path) -> str:
    """Each call's audio written as the phone system delivers it, then streamed into the
    encrypted file store and recorded with its contact (the plaintext file is the sender's
    copy in the scratch directory, gone with it)."""
    if not recordings:
        return "recordings: no recorded calls"
    directory.mkdir(exist_ok=True)
    clips: dict[tuple[int, int], bytes] = {}
    total = 0
    with reg.unit_of_work(ACTOR) as uow:
        refs = [r.contact_ref for r in recordings]
        contacts = dict(
            uow.execute(
                select(contact_log.c.feed_ref, contact_log.c.id).where(
                    contact_log.c.feed_ref.in_(refs)
                )
            ).all()
        )
        for n, r in enumerate(recordings):
            key = (r.seconds, 120 + 40 * (n % 4))
            if key not in clips:
                clips[key] = _clip(*key)
            path = directory / f"{r.contact_ref}.wav"
            path.write_bytes(clips[key])
            where = str(path.name)
            limit = reg.settings.max_recording_bytes
            with (
                path.open("rb") as source,
                audio.AudioIntake(uow.files, limit, "audio", where) as intake,
            ):
                while data := source.read(1 << 16):
                    intake.feed(data)
                stored, _ = intake.finish()
            path.unlink()
            meta = RecordingMeta(r.at, r.seconds, contacts[r.contact_ref], r.contact_ref)
            audio.add_recording(uow, r.customer_number, stored, meta)
            total += stored.size
    return (
        f"recordings: {len(recordings):,} recorded calls, {total:,} bytes sealed into the "
        "file store"
    )
