"""The checkable claims of the privacy statement: P1-P18 of the promises, refined.

Each id names one promise a sentence of the statement makes; the statement's generator attaches
it to that sentence (services/statement/sections.py), so a claim is made only when the catalogue,
the settings or the recipient register make its sentence appear. Tests that check a claim carry
`@pytest.mark.proves("<id>")`, and the proof test (tests/unit/test_statement_proofs.py) fails
when the statement makes a claim no test is marked for, or a marker names a claim the statement
no longer makes or one this list does not know. `rekisteri notice --proofs` lists them.
"""

from __future__ import annotations

from rekisteri.catalogue import Catalogue

# id -> what a test marked for it must show (for reviewers; the statement holds the words).
CLAIMS: dict[str, str] = {
    "P2.sources-per-datum": "each attribute is written only from a source the catalogue allows",
    "P3.prospects-with-permission": "a prospect is kept only with a permission in force",
    "P4.purposes-and-bases": "each purpose and its lawful bases are those the catalogue gives",
    "P5.contacts-per-year": "no person gets more marketing contacts a year than the setting",
    "P5.electronic-marketing-opt-in": "e-mail and SMS marketing reach only persons who opted in",
    "P5.settings-page": "a personal link opens a page where marketing settings are changed",
    "P6.profiling-bases": "profiling is said to rest on exactly the bases section 4 gives it",
    "P2.credit-check-told": "a credit check when a contract is made is recorded as a disclosure "
    "to Suomen Asiakastieto, its result kept only its period and shown to the person",
    "P6.credit-decision-reviewed": "an automated refusal or deposit tells the person, in their "
    "language, that a person can review it, and the review's outcome is recorded",
    "P7.need-to-know": "each role sees only the data categories section 5 names for it",
    "P7.non-disclosure-addresses": "a turvakielto person's addresses reach only the roles "
    "that need them, never an audience, a hand-over, a search by address or a plain letter",
    "P7.personal-accounts": "staff sign in with personal user ids and passwords",
    "P8.registered-recipients": "data goes only to a registered recipient for a purpose it has",
    "P8.asiakastieto-own-liabilities": "only persons with liabilities of their own go to "
    "Suomen Asiakastieto, with identity code and name",
    "P8.group-marketing-unless-forbidden": "group marketing gets only channels not forbidden",
    "P9.research-loans-returned": "recordings lent for research are tracked until returned",
    "P18.recordings-encrypted": "call audio is never on disk in plain, and only roles that "
    "may read recordings hear it, each play audited",
    "P10.no-transfers": "no transfer outside the EU/EEA is said when none is registered",
    "P10.transfers-listed": "each recipient outside the EU/EEA is named with its safeguard",
    "P10.transfer-safeguards": "nothing leaves the EU/EEA without a safeguard that holds",
    "P11.first-copy-free": "the first copy of a person's data carries no fee",
    "P11.further-copy-fee": "a further copy within the set months may carry a fee",
    "P11.identity-verified": "no data is given out or changed before the identity is verified",
    "P11.representative-authority": "a representative's request is taken only on their "
    "authority in force and with the power to make it, and is answered to them",
    "P11.answer-within-a-month": "a request is due within one month, extendable by two",
    "P11.manifestly-unfounded": "a manifestly unfounded request may be charged or refused "
    "with reasons",
    "P12.rectification": "wrong data can be corrected on request",
    "P12.every-change-recorded": "every change keeps when, by whom and why",
    "P13.objection-marketing": "a prohibition stops direct marketing on its channel",
    "P13.objection-research": "an objection to research stops research uses",
    "P14.erasure": "erasure removes what no law keeps",
    "P14.contract-kept-years": "contract data is kept the set years after the contract ended",
    "P14.restriction": "restricted data is kept from other processing",
    "P14.portability": "the person's own data is given in a machine-readable form",
    "P14.restricted-after-erasure": "data a law keeps is restricted after an erasure request",
    "P15.necessary-cookies-only": "the web service sets only strictly necessary cookies",
    "P15.cookies-by-consent": "cookies that are not necessary are set only with consent",
    "P15.public-pages-no-cookies": "the public pages set no cookie",
    "P16.encrypted-at-rest": "the attributes named are stored encrypted",
    "P16.every-view-and-change-logged": "every read and change of personal data leaves an "
    "audit entry with who and why",
}

RETENTION_PREFIX = "P14.kept."


def retention_claim(rule_name: str) -> str:
    """The claim of one retention period of section 8 (one per rule the catalogue uses)."""
    return f"{RETENTION_PREFIX}{rule_name.replace('_', '-')}"


def known_claims(catalogue: Catalogue) -> dict[str, str]:
    """Every claim id the statement can make with this catalogue, and what proves it."""
    kept = {
        retention_claim(a.retention.name): f"data under the rule {a.retention.name} goes when "
        "its period ends, as section 8 says"
        for a in catalogue.attributes
    }
    return {**CLAIMS, **dict(sorted(kept.items()))}
