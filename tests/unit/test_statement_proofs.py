"""Every claim the privacy statement makes is traced to the tests marked as proving it.

The statement's generator attaches a claim id (services/statement/claims.py) to each sentence
that makes a checkable promise; tests carry `@pytest.mark.proves("<id>")`. The markers are read
by pytest's own collection of the whole test directory (in a subprocess), not from the text of
the files. The statement is built in fi, sv and en, with the default (and demo) settings and
with each input that adds or removes a sentence: transfers registered outside the EU/EEA, and
the audit turned off.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rekisteri.catalogue import catalogue
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.proofs import check, collect_proofs
from rekisteri.services.statement.claims import CLAIMS, known_claims
from rekisteri.services.statement.model import Notice
from rekisteri.services.statement.notice import build_notice
from rekisteri.services.statement.recipients import Transfer

LANGS = ("fi", "sv", "en")
DEFAULT = Settings(database_url="sqlite://", secret_key=None)
ABROAD = (Transfer("Pilvipalvelu Inc", "US", "adequacy", "DPF list: Pilvipalvelu Inc"),)
# Each variant adds or removes sentences: (name, settings, transfers).
VARIANTS = (
    ("default", DEFAULT, ()),
    ("transfers abroad", DEFAULT, ABROAD),
    ("audit off", DEFAULT.model_copy(update={"audit_enabled": False}), ()),
)
TESTS = Path(__file__).resolve().parents[1]


def statements() -> list[Notice]:
    return [
        build_notice(catalogue, settings, lang, transfers=transfers)
        for lang in LANGS
        for _, settings, transfers in VARIANTS
    ]


@pytest.fixture(scope="module")
def proofs() -> dict[str, list[str]]:
    return collect_proofs(TESTS)


def test_every_claim_made_has_a_test_and_every_marker_a_claim_made(
    proofs: dict[str, list[str]],
) -> None:
    verdict = check(statements(), proofs, known_claims(catalogue))
    assert verdict.holds, "\n".join(verdict.problems())
    # The markers are found by collection: this very file's tests carry none, others do.
    assert all(node.startswith("tests/") and "::" in node for n in proofs.values() for node in n)


def test_each_language_makes_the_same_claims() -> None:
    for _, settings, transfers in VARIANTS:
        made = {
            lang: build_notice(catalogue, settings, lang, transfers=transfers).claim_ids()
            for lang in LANGS
        }
        assert made["fi"] == made["sv"] == made["en"]


def test_a_claim_is_made_only_where_its_sentence_is() -> None:
    plain = build_notice(catalogue, DEFAULT, "fi").claim_ids()
    abroad = build_notice(catalogue, DEFAULT, "fi", transfers=ABROAD).claim_ids()
    silent = build_notice(
        catalogue, DEFAULT.model_copy(update={"audit_enabled": False}), "fi"
    ).claim_ids()
    assert "P10.no-transfers" in plain and "P10.transfers-listed" not in plain
    assert "P10.transfers-listed" in abroad and "P10.no-transfers" not in abroad
    assert "P16.every-view-and-change-logged" in plain
    assert "P16.every-view-and-change-logged" not in silent
    # Every retention rule the catalogue uses is a claim of its own.
    rules = {a.retention.name for a in catalogue.attributes}
    kept = {c for c in plain if c.startswith("P14.kept.")}
    assert len(kept) == len(rules)


def test_the_check_finds_each_kind_of_gap() -> None:
    notice = build_notice(catalogue, DEFAULT, "en")
    made = sorted(notice.claim_ids())
    known = known_claims(catalogue)
    full = {c: ["tests/x.py::test_x"] for c in made}
    assert check([notice], full, known).holds
    missing = {c: t for c, t in full.items() if c != made[0]}
    assert check([notice], missing, known).unproven == [made[0]]
    stale = {**full, "P15.cookies-by-consent": ["tests/x.py::test_y"]}
    assert check([notice], stale, known).stale == ["P15.cookies-by-consent"]
    unknown = {**full, "P5.email-opt-in-typo": ["tests/x.py::test_z"]}
    assert check([notice], unknown, known).unknown == ["P5.email-opt-in-typo"]
    assert "P15.cookies-by-consent" in CLAIMS


def test_every_claim_id_names_its_promise() -> None:
    for claim in known_claims(catalogue):
        number, _, name = claim.partition(".")
        assert number[0] == "P" and 1 <= int(number[1:]) <= 18 and name, claim
