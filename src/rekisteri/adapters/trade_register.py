"""The trade register's company data (PRH/YTJ open data, API v3 "companies" JSON), read into
what the register keeps of an organisation: its name, its postal address and its situation.

The shape is the open data API's answer (docs/formats/trade-register.md): an object whose
`companies` list holds, per company, `businessId.value`, `names` (each with `name`, `type`,
`registrationDate`, `endDate`), `addresses` (`type` 1 street address, 2 postal address, with
`street`, `buildingNumber`, `entrance`, `apartmentNumber`, `postOfficeBox`, `postCode`,
`postOffices[].city`, `country`, `registrationDate`), `companySituations` (`type` SANE
restructuring, SELTILA liquidation, KONK bankruptcy, with `registrationDate`, `endDate`) and
the company's own `endDate` (ceased). Fields the register does not keep are not read.

The file is read whole and bounded (MAX_FILE_BYTES, MAX_COMPANIES); a bad company is an
InvalidInput naming the file, the company's place in the list and the field.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from rekisteri.domain import identifiers, values
from rekisteri.domain.company_status import CompanyStatus, telling
from rekisteri.domain.errors import InvalidInput, excerpt

MAX_FILE_BYTES = 64 * 1024 * 1024  # the whole open data set of one day's changes fits
MAX_COMPANIES = 200_000
NAME_TYPE_MAIN = "1"  # toiminimi; 2 parallel names, 3 auxiliary names are not the name
ADDRESS_STREET, ADDRESS_POSTAL = "1", "2"
FINNISH = "1"  # postOffices[].languageCode: 1 Finnish, 2 Swedish, 3 English
_CODES = frozenset({"type", "languageCode"})  # the only fields that come as numbers too
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SITUATIONS = {
    "SANE": CompanyStatus.RESTRUCTURING,
    "SELTILA": CompanyStatus.LIQUIDATION,
    "KONK": CompanyStatus.BANKRUPT,
}


@dataclass(frozen=True)
class CompanyAddress:
    street: str
    postal_code: str
    post_office: str
    country: str
    registered_on: dt.date | None


@dataclass(frozen=True)
class CompanyUpdate:
    """One company as the trade register states it."""

    record: int  # its place in the file's list, from 1
    business_id: str
    name: str | None
    name_registered_on: dt.date | None
    address: CompanyAddress | None
    status: CompanyStatus
    status_on: dt.date | None


class _Company:
    """One company's JSON object, read with errors naming the file, the record and the field."""

    def __init__(self, obj: Any, where: str) -> None:
        self.where = where
        if not isinstance(obj, dict):
            raise self.bad("company", "is not a JSON object")
        self.obj = obj

    def bad(self, field: str, reason: str) -> InvalidInput:
        return InvalidInput(field, reason, where=self.where)

    def text(self, obj: Any, key: str, field: str, *, max_len: int = 200) -> str | None:
        value = obj.get(key)
        if value is None:
            return None
        if key in _CODES and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # codes come as "1" or 1
        if not isinstance(value, str):
            raise self.bad(field, "is not text")
        try:
            return values.text(value, field, max_len=max_len, required=False)
        except InvalidInput as exc:
            raise self.bad(field, exc.reason) from None

    def date(self, obj: Any, key: str, field: str) -> dt.date | None:
        given = self.text(obj, key, field, max_len=10)
        if given is None:
            return None
        try:
            if not _DATE.fullmatch(given):
                raise ValueError(given)
            return dt.date.fromisoformat(given)
        except ValueError:
            raise self.bad(field, f"is not a date YYYY-MM-DD (got {excerpt(given)})") from None

    def items(self, key: str) -> list[tuple[str, dict[str, Any]]]:
        """The objects of a list field, each with its field name (names[0])."""
        value = self.obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.bad(key, "is not a list")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.bad(f"{key}[{i}]", "is not a JSON object")
            out.append((f"{key}[{i}]", item))
        return out


def _in(get: Any, company: _Company, field: str) -> Any:
    """What `get` returns, an InvalidInput of it named by the company's file and record."""
    try:
        return get()
    except InvalidInput as exc:
        raise company.bad(field, exc.reason) from None


def _business_id(c: _Company) -> str:
    holder = c.obj.get("businessId")
    if not isinstance(holder, dict):
        raise c.bad("businessId", "is required (an object with its value)")
    given = c.text(holder, "value", "businessId.value", max_len=20)
    if given is None:
        raise c.bad("businessId.value", "is required")
    try:
        return identifiers.business_id(given, field="businessId.value")
    except InvalidInput as exc:
        raise c.bad("businessId.value", exc.reason) from None


def _name(c: _Company) -> tuple[str | None, dt.date | None]:
    """The company's name in force (type 1, no end date), the newest if several."""
    current: list[tuple[dt.date, str]] = []
    for field, n in c.items("names"):
        name = c.text(n, "name", f"{field}.name")
        kind = c.text(n, "type", f"{field}.type", max_len=4)
        since = c.date(n, "registrationDate", f"{field}.registrationDate")
        ended = c.date(n, "endDate", f"{field}.endDate")
        if name is None:
            raise c.bad(f"{field}.name", "is required")
        if kind == NAME_TYPE_MAIN and ended is None:
            current.append((since or dt.date.min, name))
    if not current:
        return None, None
    since, name = max(current)
    return name, None if since == dt.date.min else since


def _address(c: _Company) -> CompanyAddress | None:
    """The postal address in force (type 2), else the street address (type 1)."""
    found: dict[str, CompanyAddress] = {}
    for field, a in c.items("addresses"):
        kind = c.text(a, "type", f"{field}.type", max_len=4)
        if kind not in (ADDRESS_STREET, ADDRESS_POSTAL):
            raise c.bad(f"{field}.type", f"must be 1 or 2 (got {excerpt(str(kind))})")
        if c.date(a, "endDate", f"{field}.endDate") is not None:
            continue
        box = c.text(a, "postOfficeBox", f"{field}.postOfficeBox", max_len=20)
        parts = [
            c.text(a, k, f"{field}.{k}", max_len=100)
            for k in ("street", "buildingNumber", "entrance")
        ]
        flat = "".join(p or "" for p in (c.text(a, k, f"{field}.{k}", max_len=20) for k in _FLAT))
        street = " ".join(p for p in [*parts, flat] if p) or (f"PL {box}" if box else None)
        if street is None:
            raise c.bad(f"{field}.street", "is required (or postOfficeBox)")
        country = (c.text(a, "country", f"{field}.country", max_len=2) or "FI").upper()
        code = c.text(a, "postCode", f"{field}.postCode", max_len=10)
        if code is None:
            raise c.bad(f"{field}.postCode", "is required")
        found[kind] = CompanyAddress(
            street=_in(lambda s=street: values.text(s, "street"), c, f"{field}.street"),
            postal_code=_in(
                lambda k=code, n=country: values.postal_code(k, n), c, f"{field}.postCode"
            ),
            post_office=_post_office(c, a, field),
            country=_in(lambda n=country: values.country(n), c, f"{field}.country"),
            registered_on=c.date(a, "registrationDate", f"{field}.registrationDate"),
        )
    return found.get(ADDRESS_POSTAL) or found.get(ADDRESS_STREET)


_FLAT = ("apartmentNumber", "apartmentIdSuffix")


def _post_office(c: _Company, a: dict[str, Any], field: str) -> str:
    offices = a.get("postOffices")
    if not isinstance(offices, list) or not offices:
        raise c.bad(f"{field}.postOffices", "is required (a list with the city)")
    named: dict[str, str] = {}
    for i, office in enumerate(offices):
        if not isinstance(office, dict):
            raise c.bad(f"{field}.postOffices[{i}]", "is not a JSON object")
        city = c.text(office, "city", f"{field}.postOffices[{i}].city", max_len=100)
        if city is None:
            raise c.bad(f"{field}.postOffices[{i}].city", "is required")
        lang = c.text(office, "languageCode", f"{field}.postOffices[{i}].languageCode", max_len=2)
        named.setdefault(lang or FINNISH, city)
    return named.get(FINNISH) or next(iter(named.values()))


def _status(c: _Company) -> tuple[CompanyStatus, dt.date | None]:
    ended = c.date(c.obj, "endDate", "endDate")
    if ended is not None:
        return CompanyStatus.CEASED, ended
    since: dict[CompanyStatus, dt.date | None] = {}
    for field, s in c.items("companySituations"):
        kind = c.text(s, "type", f"{field}.type", max_len=10)
        if kind not in SITUATIONS:
            known = ", ".join(SITUATIONS)
            raise c.bad(f"{field}.type", f"must be one of {known} (got {excerpt(str(kind))})")
        start = c.date(s, "registrationDate", f"{field}.registrationDate")
        if c.date(s, "endDate", f"{field}.endDate") is None:
            since[SITUATIONS[kind]] = start
    status = telling(set(since))
    return status, since.get(status)


def read_companies(data: bytes, name: str) -> list[CompanyUpdate]:
    """The companies of one file, or InvalidInput naming the file, the record and the field."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"is larger than {MAX_FILE_BYTES:,} bytes", where=name)
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInput("file", "is not UTF-8 text", where=name) from None
    except (json.JSONDecodeError, RecursionError) as exc:
        reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "is nested too deeply"
        line = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise InvalidInput("file", f"is not JSON: {reason}{line}", where=name) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("companies"), list):
        raise InvalidInput("companies", "is missing (the file is no companies answer)", where=name)
    listed = doc["companies"]
    if len(listed) > MAX_COMPANIES:
        raise InvalidInput("companies", f"holds more than {MAX_COMPANIES:,}", where=name)
    out: list[CompanyUpdate] = []
    seen: dict[str, int] = {}
    for i, obj in enumerate(listed, start=1):
        c = _Company(obj, f"{name}, record {i}")
        business_id = _business_id(c)
        if business_id in seen:
            raise c.bad("businessId.value", f"{business_id} is already record {seen[business_id]}")
        seen[business_id] = i
        company_name, named_on = _name(c)
        status, status_on = _status(c)
        out.append(
            CompanyUpdate(i, business_id, company_name, named_on, _address(c), status, status_on)
        )
    return out
