"""The register's own reasons (domain/reasons): stored as codes, read in the reader's language,
the older English ones read as the same codes, a typed reason shown as typed."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from rekisteri.domain import reasons
from rekisteri.domain.change_words import say
from rekisteri.domain.reasons import DATE, REASON, TEXT, Reason, coded, normal, parse
from rekisteri.domain.vocabulary import Lang

# Names that read the same in every language (a system, a register, an article) and words
# Swedish shares with English ("gas", "sms", "per").
PROPER = {"datahub", "asml", "gdpr", "art", "gas", "sms", "per"}


def _tokens(text: str) -> set[str]:
    """The words of a text, but names and the two-letter words languages share by chance
    ("in" is Swedish too)."""
    return {t.lower() for t in re.findall(r"[A-Za-zÅÄÖåäöÉé]{3,}", text)} - PROPER


def _sample(kind: reasons.Detail) -> str:
    if kind == DATE:
        return "2026-03-05"
    if kind == REASON:
        return coded(Reason.RIGHTS_REQUEST, "P-2026-0001")
    if kind == TEXT:
        return "tiedosto-1.csv"
    assert isinstance(kind, type)
    return str(next(iter(kind)).value)  # type: ignore[call-overload]


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_words_for_each_of_its_details_in_every_language(reason: Reason) -> None:
    words, details = reasons.spec_of(reason)
    for lang in Lang:
        fields = {f for _, f, _, _ in string.Formatter().parse(words.in_(lang)) if f is not None}
        assert fields == {str(i) for i in range(len(details))}, (reason, lang)
    # Finnish and Swedish are their own words, not the English copied.
    assert not _tokens(words.fi) & _tokens(words.en), reason
    assert not _tokens(words.sv) & _tokens(words.en), reason


@pytest.mark.parametrize("reason", list(Reason))
def test_a_coded_reason_reads_back_as_its_code_and_details(reason: Reason) -> None:
    _, details = reasons.spec_of(reason)
    given = [_sample(k) for k in details]
    stored = coded(reason, *given)
    assert parse(stored) == (reason, given)
    assert normal(stored) == stored
    for lang in (Lang.FI, Lang.SV):
        shown = say(stored, lang)
        assert stored not in shown and reason.value not in shown
        english = _tokens(reasons.spec_of(reason)[0].en.format(*[""] * len(details)))
        assert not (_tokens(shown) & english) - _tokens(" ".join(given)), (reason, lang, shown)


def test_details_are_shown_as_the_reader_writes_them() -> None:
    stored = coded(Reason.DATAHUB_EVENT, "move_in", dt.date(2026, 3, 5))
    assert stored == "datahub_event|move_in|2026-03-05"
    assert say(stored, Lang.FI) == "Datahubin sanoma: muutto sisään 5.3.2026"
    assert say(stored, "sv") == "meddelande från Datahub: inflyttning 5.3.2026"
    assert say(stored, Lang.EN, day=lambda d: d.strftime("%d %b %Y")).endswith("05 Mar 2026")
    ended = coded(Reason.CONTRACT_ENDED, "moved_out")
    assert say(ended, Lang.FI) == "sopimus päättyi: muutto pois"


def test_a_detail_cannot_break_the_stored_form() -> None:
    stored = coded(Reason.CONTACT_FEED, "a|b\nc.csv")
    assert parse(stored) == (Reason.CONTACT_FEED, ["a/b c.csv"])
    with pytest.raises(ValueError, match="takes 1 details, not 0"):
        coded(Reason.CONTACT_FEED)
    with pytest.raises(ValueError, match="takes 0 details, not 1"):
        coded(Reason.PAID_BY_BANK, "x")


def test_a_nested_reason_is_read_as_its_own() -> None:
    inner = coded(Reason.RIGHTS_REQUEST, "P-2026-0001")
    stored = coded(Reason.ERASURE, inner)
    assert parse(stored) == (Reason.ERASURE, [inner])
    assert say(stored, Lang.FI) == (
        "poisto: lain vuoksi säilytettävien tietojen käsittely rajoitettu (pyyntö P-2026-0001)"
    )
    typed = coded(Reason.ERASURE, "asiakas soitti | pyysi poistoa")
    assert say(typed, Lang.SV).endswith("(asiakas soitti | pyysi poistoa)")
    assert reasons.free_text_of(typed) == ["asiakas soitti | pyysi poistoa"]
    assert reasons.free_text_of(stored) == ["P-2026-0001"]


def test_a_typed_reason_is_shown_as_typed() -> None:
    for typed in ("Asiakas soitti", "contract_ended is what she said", "x|y", ""):
        assert parse(typed) is None
        assert say(typed, Lang.FI) == typed
        assert normal(typed) == typed
        assert reasons.free_text_of(typed) == ([typed] if typed else [])
    assert say(None, Lang.FI) == ""
    # A code with the wrong number of details is not the register's: shown as stored.
    assert parse("datahub_event|move_in") is None


# What the register wrote before its reasons were codes, each as the code it reads as.
LEGACY = [
    ("paid: camt.054 payment", "paid_by_bank"),
    ("the population register's change", "population_change"),
    ("the population register's change of address", "population_address"),
    ("update from the trade register", "trade_register_update"),
    ("address change from the mover service", "mover_service_address"),
    ("Datahub metering_point 2026-12-04", "datahub_event|metering_point|2026-12-04"),
    ("corrected by the contact feed contacts-1.csv", "contact_feed_correction|contacts-1.csv"),
    ("corrected by the survey feed f.csv", "survey_feed_correction|f.csv"),
    ("logged in to the self-service (login feed l.csv)", "self_service_login|l.csv"),
    ("resent by the billing system in b.xml", "invoice_resent|b.xml"),
    ("telephone sale: offer sent", "telephone_sale_offer_sent"),
    ("telephone sale: acceptance", "telephone_sale_accepted"),
    (
        "the person asked for a person to review an automated credit decision (GDPR Art. 22)",
        "credit_review_asked",
    ),
    ("a person reviewed an automated credit decision (GDPR Art. 22)", "credit_reviewed"),
    ("request R2026-00001", "rights_request|R2026-00001"),
    ("rectification request R2026-00002", "rectification_request|R2026-00002"),
    (
        "erasure applied again after a restore (journal entry 7): a contract in force in the "
        "backup",
        "reapply_blocked_by_contract|7",
    ),
    ("removed from the site", "device_removed"),
    ("closed at the customer's request", "account_closed_on_request"),
    ("retention: the customer relationship ended", "retention_relationship_ended"),
    ("applied again after a restore (journal entry 12)", "reapplied_after_restore|12"),
    (
        "credit check when a contract is made (purpose-of-use code 1, query Q51a9)",
        "credit_check_contract|1|Q51a9",
    ),
    (
        "direct marketing of the group's electricity, gas, district heat, broadband and TV; "
        "each customer only on the channels they may be reached on (opt-in for e-mail and SMS, "
        "their prohibitions and ASML bans per channel)",
        "group_marketing",
    ),
    (
        "audience newsletter/email for Sisaryhtiö Oy",
        "audience_disclosure|newsletter|email|Sisaryhtiö Oy",
    ),
    (
        "evaluation of customer service: Study A; to be returned or destroyed by 2027-01-31",
        "recording_loan|Study A|2027-01-31",
    ),
    (
        "payment-default monitoring of persons with liabilities of their own",
        "payment_default_monitoring",
    ),
    ("collection of invoices at least 30 days overdue", "collection_overdue|30"),
]


# Shapes a person might type too: read as the code only with the attribute the register
# wrote them for (a contract's end; a restriction).
IN_CONTEXT = [
    ("moved_out", "contract.contract", "contract_ended|moved_out"),
    ("erasure: request R2026-00001", "person.restricted", "erasure|rights_request|R2026-00001"),
    ("erasure: asked by phone", "person.restricted", "erasure|asked by phone"),
]


@pytest.mark.parametrize(("written", "code"), LEGACY)
def test_an_older_english_reason_reads_as_its_code(written: str, code: str) -> None:
    assert normal(written) == code
    assert say(written, Lang.FI) == say(code, Lang.FI)
    assert say(written, Lang.SV) != written


@pytest.mark.parametrize(("written", "attribute", "code"), IN_CONTEXT)
def test_a_shape_a_person_might_type_is_a_code_only_where_the_register_wrote_it(
    written: str, attribute: str, code: str
) -> None:
    assert normal(written, attribute=attribute) == code
    assert say(written, Lang.FI, attribute=attribute) == say(code, Lang.FI)
    # Typed by staff for anything else (ending a representative's link "deceased", a note
    # "erasure: customer phoned"): shown as typed, not as a legal restriction or a contract.
    assert normal(written) == written
    assert normal(written, attribute="representative.validity") == written
    assert say(written, Lang.FI) == written


def test_a_request_reference_is_recognised_by_its_shape_only() -> None:
    assert parse("request denied") is None
    assert say("request denied", Lang.FI) == "request denied"


def test_the_legacy_list_covers_every_reason_but_none_twice() -> None:
    codes = [parse(code) for _, code in LEGACY] + [parse(code) for _, _, code in IN_CONTEXT]
    assert {c[0] for c in codes if c} == set(Reason)


def test_the_package_format_lists_every_reason() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "formats" / "access-package.md").read_text()
    for reason in Reason:
        words, _ = reasons.spec_of(reason)
        assert f"| `{reason.value}` |" in doc and words.en in doc, reason
