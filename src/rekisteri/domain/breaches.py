"""Personal data breaches (GDPR Art. 33/34): the 72-hour clock, the risk levels, the words of
the notices. Pure rules; no I/O.

The Ombudsman must be told "without undue delay and, where feasible, not later than 72 hours
after having become aware of it" (Art. 33(1)): 72 elapsed hours, not three calendar days, so a
deadline across a change of daylight saving time falls an hour earlier or later on the Helsinki
clock than the awareness did. Times are kept in UTC and shown in Helsinki time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from rekisteri.domain.errors import InvalidInput, excerpt
from rekisteri.domain.values import HELSINKI as HELSINKI  # named here too (breach deadlines)
from rekisteri.domain.vocabulary import Lang, Words

NOTIFY_WITHIN = dt.timedelta(hours=72)


class Risk(StrEnum):
    """The DPO's assessment of the risk to the persons' rights and freedoms."""

    NONE = "none"  # unlikely to result in a risk: recorded, the Ombudsman need not be told
    RISK = "risk"  # the Ombudsman is told (Art. 33)
    HIGH = "high"  # the persons are told too (Art. 34)


class State(StrEnum):
    """Where a breach stands against the 72 hours of Art. 33(1)."""

    OPEN = "open"  # the Ombudsman not told yet, time left
    OVERDUE = "overdue"  # the Ombudsman not told, the 72 hours passed
    NOTIFIED = "notified"
    NOTIFIED_LATE = "notified late"  # told after the 72 hours (with the delay's reason)
    NOT_NOTIFIABLE = "not notifiable"  # no risk to the persons: the Ombudsman need not be told


class Kind(StrEnum):
    """What kind of breach: of confidentiality, integrity or availability."""

    CONFIDENTIALITY = "confidentiality"
    INTEGRITY = "integrity"
    AVAILABILITY = "availability"


KIND_WORDS: dict[Kind, Words] = {
    Kind.CONFIDENTIALITY: Words(
        "henkilötietojasi on luovutettu tai niihin on päässyt käsiksi henkilö, jolla ei ollut "
        "siihen oikeutta",
        "dina personuppgifter har lämnats ut till eller varit åtkomliga för någon som inte "
        "hade rätt till dem",
        "your personal data was disclosed to or accessed by someone who had no right to it",
    ),
    Kind.INTEGRITY: Words(
        "henkilötietojasi on muutettu luvatta tai vahingossa",
        "dina personuppgifter har ändrats obehörigen eller av misstag",
        "your personal data was altered without authorisation or by accident",
    ),
    Kind.AVAILABILITY: Words(
        "henkilötietojasi on kadonnut tai ne ovat olleet tilapäisesti saavuttamattomissa",
        "dina personuppgifter har gått förlorade eller varit tillfälligt otillgängliga",
        "your personal data was lost or was temporarily unavailable",
    ),
}


@dataclass(frozen=True)
class Clock:
    """Where a breach stands against the 72 hours."""

    aware_at: dt.datetime
    deadline: dt.datetime
    remaining: dt.timedelta  # negative once overdue
    notified_at: dt.datetime | None

    @property
    def overdue(self) -> bool:
        """Past the deadline and the Ombudsman not told (or told late)."""
        if self.notified_at is not None:
            return self.notified_at > self.deadline
        return self.remaining <= dt.timedelta(0)

    @property
    def notified_late(self) -> bool:
        return self.notified_at is not None and self.notified_at > self.deadline


def deadline(aware_at: dt.datetime) -> dt.datetime:
    """72 elapsed hours from the moment the controller became aware (UTC)."""
    if aware_at.tzinfo is None:
        raise ValueError("naive datetime given as the moment of awareness")
    return aware_at.astimezone(dt.UTC) + NOTIFY_WITHIN


def clock(aware_at: dt.datetime, now: dt.datetime, notified_at: dt.datetime | None) -> Clock:
    due = deadline(aware_at)
    return Clock(aware_at.astimezone(dt.UTC), due, due - now.astimezone(dt.UTC), notified_at)


def remaining_text(remaining: dt.timedelta) -> str:
    """'41 h 05 min' (or '-3 h 00 min' once overdue): hours, not days, as the rule counts."""
    minutes = int(remaining.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours} h {mins:02d} min"


def helsinki_moment(text: str, field: str) -> dt.datetime:
    """A moment typed by the DPO: ISO 8601 with an offset, or a Helsinki wall-clock time.

    A wall-clock time that does not exist (the hour skipped in spring) or exists twice (the
    hour repeated in autumn) is refused: the deadline of a breach cannot rest on a guess."""
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            field, f"is not a time YYYY-MM-DDTHH:MM (Helsinki) or ISO 8601 ({excerpt(text)})"
        ) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(dt.UTC)
    early = parsed.replace(tzinfo=HELSINKI, fold=0)
    late = parsed.replace(tzinfo=HELSINKI, fold=1)
    back = early.astimezone(dt.UTC).astimezone(HELSINKI).replace(tzinfo=None)
    if back != parsed:
        raise InvalidInput(
            field, f"{parsed:%Y-%m-%d %H:%M} does not exist in Helsinki (clocks turn forward)"
        )
    if early.utcoffset() != late.utcoffset():
        raise InvalidInput(
            field,
            f"{parsed:%Y-%m-%d %H:%M} is ambiguous in Helsinki (clocks turn back): give the "
            "offset, e.g. +03:00 or +02:00",
        )
    return early.astimezone(dt.UTC)


def local(moment: dt.datetime) -> str:
    """A moment as Helsinki reads it: '2026-03-31 11:00 EEST'."""
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M %Z")


# The fixed parts of a notice to a person (Art. 34(2) with Art. 33(3)(b)-(d)).
NOTICE_WORDS: dict[str, Words] = {
    "subject": Words(
        "Ilmoitus henkilötietojesi tietoturvaloukkauksesta",
        "Meddelande om en personuppgiftsincident som gäller dig",
        "Notice of a personal data breach concerning you",
    ),
    "greeting": Words("Hyvä asiakkaamme", "Bästa kund", "Dear customer"),
    "what": Words("Mitä tapahtui", "Vad som hände", "What happened"),
    "when": Words("Ajankohta", "Tidpunkt", "When"),
    "noticed": Words("havaittu", "upptäckt", "noticed"),
    "started": Words("alkanut", "började", "began"),
    "categories": Words(
        "Tietoryhmät, joita loukkaus koski",
        "Uppgiftskategorier som incidenten gällde",
        "The kinds of your data concerned",
    ),
    "consequences": Words("Todennäköiset seuraukset", "Sannolika följder", "Likely consequences"),
    "measures": Words(
        "Mitä olemme tehneet ja mitä voit itse tehdä",
        "Vad vi har gjort och vad du själv kan göra",
        "What we have done and what you can do",
    ),
    "contact": Words(
        "Tietosuojavastaavamme vastaa kysymyksiisi",
        "Vårt dataskyddsombud svarar på dina frågor",
        "Our data protection officer answers your questions",
    ),
    "ombudsman": Words(
        "Voit tehdä valituksen tietosuojavaltuutetulle (tietosuoja.fi).",
        "Du kan lämna in ett klagomål till dataombudsmannen (tietosuoja.fi).",
        "You may lodge a complaint with the Data Protection Ombudsman (tietosuoja.fi).",
    ),
    "reference": Words("Viite", "Referens", "Reference"),
}


def notice_word(key: str, lang: Lang | str) -> str:
    return NOTICE_WORDS[key].in_(lang)
