"""Segments (P6): named, rule-based target groups over register data.

A segment is a list of rules that must all hold. Each rule names one field from a closed set,
with values checked against the register's own vocabulary, so a definition can be stored as
JSON and translated to SQL with bound parameters only (services/marketing/segments.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import HeatingType, HousingType, MotherTongue, PersonKind


class SegmentField(StrEnum):
    HEATING_TYPE = "heating_type"  # of a site under an active contract
    HOUSING_TYPE = "housing_type"
    CONSUMPTION_KWH = "consumption_kwh"  # the site's yearly consumption estimate, a band
    # The person's metered consumption over the last 12 whole Helsinki months, as the
    # archive's consumption job found it (archive totals), a band.
    MEASURED_KWH = "measured_kwh"
    CONTRACT_ENDING_WITHIN_DAYS = "contract_ending_within_days"  # fixed-term contract
    LANGUAGE = "language"  # mother tongue
    PERSON_KIND = "person_kind"


_CHOICES: dict[SegmentField, type[StrEnum]] = {
    SegmentField.HEATING_TYPE: HeatingType,
    SegmentField.HOUSING_TYPE: HousingType,
    SegmentField.LANGUAGE: MotherTongue,
    SegmentField.PERSON_KIND: PersonKind,
}
CHOICES = _CHOICES  # the enum of each enumerated field (domain/value_words says its values)
BANDS = frozenset({SegmentField.CONSUMPTION_KWH, SegmentField.MEASURED_KWH})  # MIN..MAX kWh


@dataclass(frozen=True)
class SegmentRule:
    field: SegmentField
    choices: tuple[str, ...] = ()  # for the enumerated fields
    minimum: int | None = None  # consumption band (estimated or measured), inclusive
    maximum: int | None = None
    days: int | None = None

    def describe(self) -> str:
        if self.field in BANDS:
            low = "" if self.minimum is None else str(self.minimum)
            high = "" if self.maximum is None else str(self.maximum)
            return f"{self.field.value}={low}..{high}"
        if self.field is SegmentField.CONTRACT_ENDING_WITHIN_DAYS:
            return f"contract_ending_within_days={self.days}"
        return f"{self.field.value}={','.join(self.choices)}"

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field.value}
        if self.choices:
            data["choices"] = list(self.choices)
        for name in ("minimum", "maximum", "days"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        return data


_RANGE = re.compile(r"^\s*([0-9]*)\s*\.\.\s*([0-9]*)\s*$", re.ASCII)


def parse_rule(text: str) -> SegmentRule:
    """`heating_type=electric,heat_pump`, `consumption_kwh=5000..20000`,
    `measured_kwh=..3000`, `contract_ending_within_days=90`, `language=sv`."""
    name, sep, raw = text.partition("=")
    if not sep:
        raise InvalidInput("rule", f"{text!r} is not FIELD=VALUE")
    field = values.enum_value(SegmentField, name.strip(), "rule")
    raw = raw.strip()
    if field in _CHOICES:
        enum = _CHOICES[field]
        picked = [
            values.enum_value(enum, v.strip(), f"rule.{field.value}").value
            for v in raw.split(",")
            if v.strip()
        ]
        if not picked:
            raise InvalidInput(f"rule.{field.value}", "names no values")
        return SegmentRule(field, tuple(sorted(set(picked))))
    if field in BANDS:
        where = f"rule.{field.value}"
        match = _RANGE.match(raw)
        if not match or not (match[1] or match[2]):
            raise InvalidInput(where, "must be MIN..MAX in kWh (one may be empty)")
        if any(len(m.lstrip("0")) > 10 for m in (match[1], match[2])):
            raise InvalidInput(where, "a bound has more than 10 digits of kWh")
        low = int(match[1]) if match[1] else None
        high = int(match[2]) if match[2] else None
        if low is not None and high is not None and low > high:
            raise InvalidInput(where, "the minimum is above the maximum")
        return SegmentRule(field, minimum=low, maximum=high)
    if not raw.isdigit() or not 1 <= int(raw) <= 366:
        raise InvalidInput("rule.contract_ending_within_days", "must be a number of days 1-366")
    return SegmentRule(field, days=int(raw))


def rule_from_json(data: dict[str, Any]) -> SegmentRule:
    field = values.enum_value(SegmentField, str(data.get("field")), "rule")
    if field in _CHOICES:
        return parse_rule(f"{field.value}={','.join(data.get('choices') or [])}")
    if field in BANDS:
        low, high = data.get("minimum"), data.get("maximum")
        return parse_rule(
            f"{field.value}={'' if low is None else low}..{'' if high is None else high}"
        )
    return parse_rule(f"{field.value}={data.get('days')}")


_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,59}$")


@dataclass(frozen=True)
class SegmentDefinition:
    name: str
    rules: tuple[SegmentRule, ...]
    description: str | None = None

    def validated(self) -> SegmentDefinition:
        if not _NAME.match(self.name):
            raise InvalidInput("name", "use lower-case letters, digits, - and _ (max 60)")
        if not self.rules:
            raise InvalidInput("rule", "a segment needs at least one rule")
        fields = [r.field for r in self.rules]
        if len(set(fields)) != len(fields):
            raise InvalidInput("rule", "each field may appear once (rules are combined with AND)")
        desc = values.text(self.description, "description", max_len=300, required=False)
        return SegmentDefinition(self.name, self.rules, desc)

    def rules_json(self) -> str:
        return json.dumps([r.to_json() for r in self.rules], ensure_ascii=False)

    @staticmethod
    def from_stored(name: str, rules_json: str, description: str | None) -> SegmentDefinition:
        rules = tuple(rule_from_json(r) for r in json.loads(rules_json))
        return SegmentDefinition(name, rules, description)
