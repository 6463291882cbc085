"""The ASML marketing-ban register: its rows and the Finnish normalisation used to match them.

The normalisation is data (ordered regex rules) so the very same rules run in Python (here,
for one value) and column-wise in polars (services/marketing/bans.py, for the whole
register); a test holds the two together. The patterns use only syntax both regex engines
read alike.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from rekisteri.domain import values
from rekisteri.domain.consent import Channel
from rekisteri.domain.errors import InvalidInput

# A phone ban lasts three years (ASML); a postal ban until the person cancels it.
PHONE_BAN_YEARS = 3

# Letters folded before anything else: the register and the ban file may differ in diacritics.
FOLD = {"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "y", "š": "s", "ž": "z"}

_STREET_TYPES = "katu|tie|kuja|polku|tori|aukio|puistikko|raitti|vayla|rinne|gatan|vagen"

# (pattern, replacement) applied in order to a lower-cased, folded street address.
# Replacements use ${n} group references (polars/Rust form); Python's form is derived.
STREET_RULES: tuple[tuple[str, str], ...] = (
    (r"[^a-z0-9.]+", " "),
    # Abbreviated street types, also glued to the name: "Hämeenk. 5", "Mannerheimint. 5".
    (r"kj\.", "kuja "),
    (r"k\.", "katu "),
    (r"t\.", "tie "),
    (r"g\.", "gatan "),
    (r"v\.", "vagen "),
    (r"\.", " "),
    # "A12" and "5A" are "a 12" and "5 a": letters and digits become separate tokens.
    (r"([a-z])([0-9])", "${1} ${2}"),
    (r"([0-9])([a-z])", "${1} ${2}"),
    # Apartment forms: "as. 12", "as 12", "as12" name the apartment without a staircase.
    (r"\bas\s+([0-9])", "${1}"),
    (r"\bas\b", " "),
    # "Mannerheimin tie" and "Mannerheimintie" are one street.
    (r"\s+(" + _STREET_TYPES + r")\b", "${1}"),
    (r"\s+", " "),
)
NAME_RULES: tuple[tuple[str, str], ...] = (
    (r"[^a-z]+", " "),
    (r"\s+", " "),
)


def python_replacement(repl: str) -> str:
    return re.sub(r"\$\{(\d+)\}", r"\\g<\1>", repl)


_COMPILED_STREET = tuple((re.compile(p), python_replacement(r)) for p, r in STREET_RULES)
_COMPILED_NAME = tuple((re.compile(p), python_replacement(r)) for p, r in NAME_RULES)


def fold(text: str) -> str:
    lowered = text.lower()
    return "".join(FOLD.get(ch, ch) for ch in lowered)


def normalise_street(street: str) -> str:
    """'Mannerheimin tie 5 A12' and 'mannerheimintie 5 a 12' normalise alike."""
    text = fold(street)
    for pattern, repl in _COMPILED_STREET:
        text = pattern.sub(repl, text)
    return text.strip()


def normalise_name(name: str) -> str:
    text = fold(name)
    for pattern, repl in _COMPILED_NAME:
        text = pattern.sub(repl, text)
    return text.strip()


def first_name(first_names: str) -> str:
    """Matching uses the first given name: files often hold one name, the register all."""
    parts = normalise_name(first_names).split(" ")
    return parts[0] if parts else ""


def postal_key(last_name: str, first_names: str, street: str, postal_code: str) -> str:
    """The key a postal ban and a person's address are matched on."""
    return "|".join(
        (
            normalise_name(last_name),
            first_name(first_names),
            normalise_street(street),
            postal_code.strip(),
        )
    )


class BanKind(StrEnum):
    POSTAL = "postal"
    PHONE = "phone"

    @property
    def channel(self) -> Channel:
        return Channel.LETTER if self is BanKind.POSTAL else Channel.PHONE


@dataclass(frozen=True)
class Ban:
    """One validated row of a ban file."""

    kind: BanKind
    registered_on: dt.date
    expires_on: dt.date | None
    last_name: str | None = None
    first_names: str | None = None
    street: str | None = None
    postal_code: str | None = None
    post_office: str | None = None
    phone: str | None = None  # E.164

    @property
    def match_key(self) -> str:
        if self.kind is BanKind.PHONE:
            assert self.phone is not None
            return self.phone
        assert self.last_name and self.first_names and self.street and self.postal_code
        return postal_key(self.last_name, self.first_names, self.street, self.postal_code)


class BanRegisterShrinks(InvalidInput):
    """A ban file would drop more of the bans in force than the setting allows: most likely a
    download cut short, which must not re-enable marketing to people who opted out."""

    def __init__(self, rows: int, dropped: int, in_force: int, limit: int, where: str) -> None:
        super().__init__(
            "file",
            f"ends here with {rows:,} bans, which would drop {dropped:,} of the {in_force:,} "
            f"bans in force ({dropped / in_force:.1%}, more than the {limit} % allowed by "
            "REKISTERI_BAN_DROP_LIMIT_PERCENT); the stored bans are kept",
            where=where,
        )
        self.dropped = dropped


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# Directional formatting characters: invisible, they make a text read otherwise than it is.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control(value: str) -> str | None:
    return next((c for c in value if unicodedata.category(c) == "Cc" or c in _BIDI), None)


def parse_ban(row: dict[str, str | None], today: dt.date) -> Ban:
    """One CSV row as a Ban, or InvalidInput naming the field."""

    def get(name: str) -> str | None:
        value = row.get(name)
        # No name, address, number or date holds a control character: refused, not stored.
        if value and (bad := _control(value)):
            raise InvalidInput(name, f"contains a control character (U+{ord(bad):04X})")
        return value.strip() if value and value.strip() else None

    kind = values.enum_value(BanKind, get("kind") or "", "kind")
    registered = values.optional_date(get("registered_on"), "registered_on") or today
    if registered > today:
        raise InvalidInput("registered_on", "is in the future")
    if kind is BanKind.PHONE:
        if any(get(f) for f in ("last_name", "first_names", "street", "postal_code")):
            raise InvalidInput("phone", "a phone ban names only the number")
        number = values.phone(get("phone") or "", "phone")
        return Ban(kind, registered, _add_years(registered, PHONE_BAN_YEARS), phone=number)
    if get("phone"):
        raise InvalidInput("phone", "a postal ban names no phone number")
    return Ban(
        kind,
        registered,
        None,
        last_name=values.required_text(get("last_name"), "last_name", max_len=100),
        first_names=values.required_text(get("first_names"), "first_names", max_len=100),
        street=values.required_text(get("street"), "street"),
        postal_code=values.postal_code(get("postal_code") or "", "FI", "postal_code"),
        post_office=values.text(get("post_office"), "post_office", max_len=100, required=False),
    )
