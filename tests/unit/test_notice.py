"""The privacy statement (P17) is derived from the catalogue and the settings, in fi, sv and en."""

from __future__ import annotations

import string

import pytest

from rekisteri.catalogue import (
    Attribute,
    Catalogue,
    Category,
    LawfulBasis,
    Purpose,
    Role,
    Source,
    Words,
    catalogue,
    label,
)
from rekisteri.catalogue.cookies import DECLARED_COOKIES, Cookie
from rekisteri.catalogue.model import Anchor, OnErasure, RetentionRule
from rekisteri.catalogue.retention import CUSTOMER_DATA, MARKETING_DATA
from rekisteri.config import Settings
from rekisteri.services.statement.notice import SECTION_KEYS, Items, Paragraph, build_notice
from rekisteri.services.statement.recipients import REGULAR_RECIPIENTS, Recipient, Transfer
from rekisteri.services.statement.rights_texts import RIGHTS_TEXTS
from rekisteri.services.statement.sharing_texts import SHARING_TEXTS
from rekisteri.services.statement.texts import OPENING_TEXTS, TEXTS

LANGS = ("fi", "sv", "en")
SETTINGS = Settings(database_url="sqlite://", secret_key=None)

# The headings of seeds 002 and 004, in their order, as the Finnish statement must give them.
SEED_HEADINGS_FI = (
    "Rekisterinpitäjä",
    "tietosuojavastaava",
    "Rekisterin nimi",
    "tarkoitus",
    "tietosisältö",
    "Säännönmukaiset tietolähteet",
    "luovutukset",
    "säilytysaika",
    "suojauksen periaatteet",
    "oikeudet",
    "Evästeet",
)


@pytest.mark.parametrize("lang", LANGS)
def test_every_section_is_present_numbered_and_filled_in_every_language(lang: str) -> None:
    notice = build_notice(catalogue, SETTINGS, lang)
    assert [s.key for s in notice.sections] == list(SECTION_KEYS)
    assert [s.number for s in notice.sections] == list(range(1, len(SECTION_KEYS) + 1))
    for section in notice.sections:
        assert section.title.strip(), section.key
        assert section.blocks, f"{lang}: section {section.key} is empty"
    titles = [s.title for s in notice.sections]
    assert len(set(titles)) == len(titles)


def test_the_finnish_statement_follows_the_structure_of_the_seeds() -> None:
    titles = [s.title for s in build_notice(catalogue, SETTINGS, "fi").sections]
    for title, expected in zip(titles, SEED_HEADINGS_FI, strict=True):
        assert expected.lower() in title.lower(), (title, expected)


def test_the_three_languages_are_really_different_texts() -> None:
    words = {lang: build_notice(catalogue, SETTINGS, lang).words() for lang in LANGS}
    assert "Rekisterinpitäjä" in words["fi"]
    assert "Personuppgiftsansvarig" in words["sv"]
    assert "Controller" in words["en"]
    assert "Personuppgiftsansvarig" not in words["fi"] and "Rekisterinpitäjä" not in words["sv"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_statement_covers_every_category_and_attribute_of_the_catalogue(lang: str) -> None:
    notice = build_notice(catalogue, SETTINGS, lang)
    content = notice.section("content").words()
    retention = notice.section("retention").words()
    for category in catalogue.categories():
        assert label(category, lang) in content, category
        assert label(category, lang) in retention, category
    for attribute in catalogue.attributes:
        assert attribute.label(lang).lower() in content.lower(), attribute.key


@pytest.mark.proves("P4.purposes-and-bases")
def test_purposes_bases_and_sources_come_from_the_catalogue() -> None:
    notice = build_notice(catalogue, SETTINGS, "sv")
    purposes = notice.section("purposes").words()
    for purpose in {p for a in catalogue.attributes for p in a.purposes}:
        assert label(purpose, "sv")[1:] in purposes, purpose
    for basis in {a.basis for a in catalogue.attributes}:
        assert label(basis, "sv")[1:] in purposes, basis
    sources = notice.section("sources").words().lower()
    for source in {s for a in catalogue.attributes for s in a.sources}:
        assert label(source, "sv").lower() in sources, source


def test_who_sees_each_category_comes_from_the_readers() -> None:
    content = build_notice(catalogue, SETTINGS, "en").section("content")
    items = {i.term: i for b in content.blocks if b.kind == "items" for i in b.items}  # type: ignore[union-attr]
    recorded = items[label(Category.RECORDING, "en")]
    assert "customer service" in recorded.notes[0] and "marketing" not in recorded.notes[0]
    identity = items[label(Category.IDENTITY, "en")]
    # The identity code has readers of its own: marketing is not among them.
    code = next(n for n in identity.notes if n.startswith("Personal identity code"))
    assert "marketing" not in code and "partly masked" in code


def _new_attribute(category: Category, words: Words, **extra: object) -> Attribute:
    fields: dict[str, object] = {
        "key": "person.favourite_tariff",
        "table": "person",
        "columns": ("favourite_tariff",),
        "category": category,
        "purposes": frozenset({Purpose.DIRECT_MARKETING}),
        "basis": LawfulBasis.CONSENT,
        "sources": frozenset({Source.CUSTOMER_CONTACT}),
        "retention": CUSTOMER_DATA,
        "words": words,
    }
    fields.update(extra)
    return Attribute(**fields)  # type: ignore[arg-type]


def test_a_new_attribute_with_new_words_changes_the_statement() -> None:
    words = Words("lempihinnasto", "favorittaxa", "favourite tariff")
    # Kept by another rule than the rest of its category, so the retention section names it.
    new = _new_attribute(Category.CLASSIFICATION, words, retention=MARKETING_DATA)
    changed = catalogue.with_attribute(new)
    for lang, word in zip(LANGS, words, strict=True):
        before = build_notice(catalogue, SETTINGS, lang)
        after = build_notice(changed, SETTINGS, lang)
        assert word not in before.words()
        assert word in after.section("content").words()
        assert word in after.section("retention").words()


def test_a_new_category_appears_in_content_sources_and_retention() -> None:
    # Every category is in use, so start from a catalogue without one of them.
    category = Category.FEEDBACK
    base = Catalogue(
        (a for a in catalogue.attributes if a.category is not category),
        catalogue.tables.values(),
    )
    rule = RetentionRule(
        "trial",
        Anchor.RECORDED,
        3,
        OnErasure.ERASE,
        words=Words("3 kuukautta kokeilusta", "3 månader från försöket", "3 months from the trial"),
    )
    changed = base.with_attribute(
        _new_attribute(category, Words("koe", "försök", "trial"), retention=rule)
    )
    for lang in LANGS:
        before = build_notice(base, SETTINGS, lang).words()
        after = build_notice(changed, SETTINGS, lang)
        assert label(category, lang) not in before
        assert label(category, lang) in after.section("content").words()
        assert label(category, lang).lower() in after.section("sources").words().lower()
        assert rule.describe(lang).capitalize() in after.section("retention").words()


def test_the_settings_name_the_controller_and_the_retention_of_contracts() -> None:
    own = SETTINGS.model_copy(
        update={
            "controller_name": "Pohjoisvirta Oy",
            "controller_business_id": "7654321-8",
            "dpo_contact": "dpo@pohjoisvirta.fi",
            "contract_retention_years": 12,
        }
    )
    notice = build_notice(catalogue, own, "fi")
    assert "Pohjoisvirta Oy" in notice.section("controller").words()
    assert "Y-tunnus 7654321-8" in notice.section("controller").words()
    assert "dpo@pohjoisvirta.fi" in notice.section("contact").words()
    assert notice.register_name == "Pohjoisvirta Oy:n asiakasrekisteri"
    assert "12 vuotta sopimuksen päättymisestä" in notice.section("rights").words()
    # The retention section follows the same setting, and so do the rules given in months.
    assert "12 vuotta sopimuksen päättymisestä" in notice.section("retention").words()
    assert "10 vuotta" not in notice.section("retention").words()
    months = own.model_copy(update={"recording_retention_months": 6})
    retention = build_notice(catalogue, months, "en").section("retention").words()
    assert "6 months from the recording" in retention and "12 months from the rec" not in retention
    named = own.model_copy(update={"register_name_sv": "Pohjoisvirtas kundregister"})
    assert build_notice(catalogue, named, "sv").register_name == "Pohjoisvirtas kundregister"


def test_recipients_come_from_the_provider_and_transfers_from_the_register() -> None:
    regular = build_notice(catalogue, SETTINGS, "fi").section("disclosures").words()
    for recipient in REGULAR_RECIPIENTS:
        assert recipient.who.in_("fi") in regular
    assert "Suomen Asiakastieto Oy" in regular and "Tutkimuslaitokset" in regular
    assert "Emme säännönmukaisesti siirrä" in regular
    extra = Recipient(
        ("service_provider",),
        Words("Pilvipalvelu", "Molntjänst", "Cloud service"),
        Words("sähköpostien lähetys", "utskick av e-post", "sending e-mail"),
    )
    with_extra = build_notice(catalogue, SETTINGS, "en", recipients=[*REGULAR_RECIPIENTS, extra])
    listed = with_extra.section("disclosures").words()
    assert "Cloud service\nsending e-mail" in listed
    abroad = (Transfer("Cloud Inc.", "JP", "scc"), Transfer("Rules Ltd", "ZZ", "bcr", "BCR 7"))
    changed = build_notice(catalogue, SETTINGS, "en", transfers=abroad)
    words = changed.section("disclosures").words()
    assert "Cloud Inc. (Japan)" in words and "Rules Ltd (ZZ)" in words
    assert "the Commission's standard contractual clauses (Art. 46)" in words
    assert "binding corporate rules (Art. 47) (BCR 7)" in words
    assert SETTINGS.dpo_contact in words  # where to ask for a copy
    assert "We do not regularly transfer" not in words


@pytest.mark.proves("P6.profiling-bases")
@pytest.mark.parametrize("lang", LANGS)
def test_profiling_is_said_to_rest_on_the_bases_section_4_gives_it(lang: str) -> None:
    purposes = build_notice(catalogue, SETTINGS, lang).section("purposes")
    items = next(b for b in purposes.blocks if isinstance(b, Items))
    listed = next(i for i in items.items if i.term == label(Purpose.PROFILING, lang).capitalize())
    bases = listed.notes[0].split(": ", 1)[1]
    profiling = next(
        b for b in purposes.blocks if isinstance(b, Paragraph) and "P6.profiling-bases" in b.claims
    )
    assert f" {bases} " in profiling.text
    # Every basis the catalogue gives the profiling data, and no other, in both places.
    given = {a.basis for a in catalogue.attributes if Purpose.PROFILING in a.purposes}
    for basis in LawfulBasis:
        assert (label(basis, lang) in profiling.text) is (basis in given), basis


def test_cookies_are_described_from_the_declared_list() -> None:
    words = build_notice(catalogue, SETTINGS, "sv").section("cookies").words()
    for cookie in DECLARED_COOKIES:
        assert cookie.name in words and cookie.purpose.in_("sv")[1:] in words
    assert "endast nödvändiga kakor" in words
    tracker = Cookie(
        "analytics_id",
        Words("kävijätilasto", "besöksstatistik", "visitor statistics"),
        Words("1 vuosi", "1 år", "1 year"),
        Words("kaikille", "alla", "everyone"),
        strictly_necessary=False,
    )
    with_tracker = build_notice(
        catalogue, SETTINGS, "sv", cookies=[*DECLARED_COOKIES, tracker]
    ).section("cookies")
    assert "analytics_id" in with_tracker.words()
    assert "sätts endast med ditt samtycke" in with_tracker.words()
    assert "endast nödvändiga kakor" not in with_tracker.words()


def test_fixed_texts_exist_in_three_languages_with_the_same_placeholders() -> None:
    keys = [*OPENING_TEXTS, *SHARING_TEXTS, *RIGHTS_TEXTS]
    assert len(keys) == len(set(keys)) == len(TEXTS), "a text key is defined twice"
    for key, words in TEXTS.items():
        assert len(words) == 3 and all(w.strip() for w in words), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(w) if f} for w in words]
        assert fields[0] == fields[1] == fields[2], key


def test_every_term_has_its_own_words_in_three_languages() -> None:
    for kind in (Category, Purpose, LawfulBasis, Source, Role):
        for term in kind:
            assert all(label(term, lang).strip() for lang in LANGS), term
    # Terms of different kinds may share a value ("contract"); their words must not mix.
    assert label(Category.CONTRACT, "fi") == "Sopimustiedot"
    assert label(Source.CONTRACT, "fi") == "asiakkaan sopimus"
    assert label(LawfulBasis.CONTRACT, "fi") == "sopimus"
    assert label(Purpose.LEGAL_OBLIGATION, "fi") != label(LawfulBasis.LEGAL_OBLIGATION, "fi")
    assert label(Role.MARKETING, "sv") != label(Category.MARKETING, "sv")


@pytest.mark.parametrize(
    ("lang", "recorded", "period"),
    [
        ("fi", "voidaan tallentaa", "6 kuukautta tallennuksesta"),
        ("sv", "kan spelas in", "6 månader från inspelningen"),
        ("en", "may be recorded", "6 months from the recording"),
    ],
)
def test_callers_are_told_calls_are_recorded_why_and_for_how_long(
    lang: str, recorded: str, period: str
) -> None:
    # From the declaration: the recording attribute's purposes and its retention rule, with
    # the period the settings give it.
    six = SETTINGS.model_copy(update={"recording_retention_months": 6})
    sources = build_notice(catalogue, six, lang).section("sources").words()
    assert recorded in sources and period in sources
    attr = next(a for a in catalogue.attributes if a.category is Category.RECORDING)
    for purpose in attr.purposes:
        assert label(purpose, lang) in sources
