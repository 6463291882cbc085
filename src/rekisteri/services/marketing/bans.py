"""Importing the ASML marketing-ban register and matching its bans to the register's persons.

The file is the whole ban register as ASML delivers it, so an import replaces the bans stored
before (re-importing the same file leaves the same bans). Every row is validated before
anything is written; one bad row stores nothing. The import reports the persons its bans
match now (services/marketing/ban_matching.py); audiences do not rely on that: each matches
the bans afresh against the register as it is then.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, literal, select

from rekisteri.adapters.schema.marketing import marketing_ban, marketing_ban_match
from rekisteri.catalogue import Source
from rekisteri.domain.bans import Ban, BanKind, parse_ban
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.marketing import ban_matching
from rekisteri.services.unit_of_work import UnitOfWork

COLUMNS = (
    "kind",
    "last_name",
    "first_names",
    "street",
    "postal_code",
    "post_office",
    "phone",
    "registered_on",
)


def read_ban_file(path: Path, today: dt.date) -> list[Ban]:
    """Every row of a ban file, validated; InvalidInput names the file, line and field."""
    where = str(path)
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidInput("file", exc.strerror or "cannot be read", where=where) from None
    with fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in ("kind",) if c not in header]
        unknown = [c for c in header if c not in COLUMNS]
        if missing or unknown:
            raise InvalidInput(
                "header",
                f"columns must be {','.join(COLUMNS)} (missing {missing}, unknown {unknown})",
                where=f"{where}:1",
            )
        bans: list[Ban] = []
        try:
            for row in reader:
                if None in row:
                    raise InvalidInput("row", "has more fields than the header")
                bans.append(parse_ban(row, today))
        except InvalidInput as exc:
            raise InvalidInput(exc.field, exc.reason, where=f"{where}:{reader.line_num}") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise InvalidInput("file", str(exc), where=f"{where}:{reader.line_num}") from None
    return bans


@dataclass
class BanImport:
    postal: int = 0
    phone: int = 0
    matched_bans: dict[str, int] = field(default_factory=dict)  # by channel
    matched_persons: int = 0


def import_bans(uow: UnitOfWork, bans: list[Ban], file_name: str) -> BanImport:
    now, today = uow.now(), uow.today()
    result = BanImport()
    uow.execute(delete(marketing_ban_match))
    uow.execute(delete(marketing_ban))
    rows: list[dict[str, Any]] = []
    for b in bans:
        rows.append(
            {
                "kind": b.kind.value,
                "last_name": b.last_name,
                "first_names": b.first_names,
                "street": b.street,
                "postal_code": b.postal_code,
                "post_office": b.post_office,
                "phone": b.phone,
                "match_key": b.match_key,
                "registered_on": b.registered_on,
                "expires_on": b.expires_on,
                "source": Source.MARKETING_BAN_REGISTER.value,
                "source_detail": file_name[-200:],
                "received_at": now,
            }
        )
        if b.kind is BanKind.POSTAL:
            result.postal += 1
        else:
            result.phone += 1
    if rows:
        uow.execute(insert(marketing_ban), rows)
    # The import reports (and records, for the persons' access answers) what it matches now;
    # audiences match afresh (services/marketing/ban_matching.py).
    phones = ban_matching.phone_matches(today).subquery()
    uow.execute(
        insert(marketing_ban_match).from_select(
            ["ban_id", "person_id", "channel", "matched_at"],
            select(
                phones.c.ban_id,
                phones.c.person_id,
                literal(BanKind.PHONE.channel.value),
                literal(now, marketing_ban_match.c.matched_at.type),
            ),
        )
    )
    postal = ban_matching.postal_matches(uow, today)
    if postal.height:
        uow.execute(
            insert(marketing_ban_match),
            [
                {"ban_id": b, "person_id": p, "channel": "letter", "matched_at": now}
                for b, p in postal.iter_rows()
            ],
        )
    m = marketing_ban_match
    for channel, count in uow.execute(
        select(m.c.channel, func.count(func.distinct(m.c.ban_id))).group_by(m.c.channel)
    ).all():
        result.matched_bans[channel] = int(count)
    result.matched_persons = int(
        uow.execute(select(func.count(func.distinct(m.c.person_id)))).scalar_one()
    )
    return result
