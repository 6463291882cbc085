"""The DPO desk's words for a request's steps and for the reasons a step was refused, in
English marked for the page catalogues (fi, sv, en): no code is shown. A request's kind, state
and ways are coded columns: their words are domain/value_words' (the pages' `coded` filter).

A refusal of the register (domain/errors) is said in English for programs; the desk shows the
page's words for it instead: by the field an InvalidInput names, and by what a RuleViolation
is about, with a plain fallback, so the DPO never reads developer English.
"""

from __future__ import annotations

from collections.abc import Callable

from rekisteri.catalogue import Lang, catalogue
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.translatable import N_

EVENTS = {
    "received": N_("Received"),
    "verified": N_("Identity verified"),
    "repeat": N_("A further copy: decide on a fee"),
    "in_progress": N_("Work started"),
    "extended": N_("Deadline extended"),
    "charge": N_("Fee decided"),
    "changes": N_("Corrections added"),
    "fulfilled": N_("Fulfilled"),
    "rejected": N_("Rejected"),
    "closed": N_("Closed"),
    "recordings checked": N_("Recording copies cleared"),
    "downloaded": N_("Answer package downloaded"),
}
NOTICE_EVENTS = {
    "rectification": N_("rectification"),
    "erasure": N_("erasure"),
    "restriction": N_("restriction of processing"),
}
FILTERS = {
    "open": N_("Open"),
    "due_soon": N_("Due within a week"),
    "overdue": N_("Overdue"),
    "done": N_("Done"),
    "all": N_("All"),
}
# The fields the desk's forms send, for "check this field".
FIELDS = {
    "how": N_("how"),
    "verified_how": N_("how the identity was verified"),
    "person": N_("whose request it is"),
    "reason": N_("reason"),
    "extend_to": N_("new due date"),
    "notice_on": N_("notice sent on"),
    "changes": N_("corrections"),
    "notified_on": N_("told on"),
    "impossible_reason": N_("why telling is impossible"),
    "details.changes": N_("corrections"),
}
# What a RuleViolation is about (a phrase of its message) and the page's words for it.
RULES = (
    ("already has an open", N_("This person already has an open request of this kind.")),
    ("already extended", N_("The deadline has already been extended once.")),
    (
        "within the first month",
        N_("The person must be told of an extension within the first month."),
    ),
    ("two further months", N_("An extension is at most two further months.")),
    ("not verified yet", N_("Verify whose request it is first.")),
    ("before the identity is verified", N_("Verify the requester's identity first.")),
    ("only a rectification", N_("Only a rectification names corrections.")),
    ("another person's request", N_("The request is another person's.")),
    ("is already recorded", N_("This notice is already recorded.")),
    ("not fulfilled", N_("The request is not fulfilled yet: there is no answer to download.")),
    ("no files", N_("This kind of request has no files to download.")),
    ("no longer in the register", N_("The person is no longer in the register.")),
    ("further copy", N_("Decide first whether the further copy carries a fee.")),
    ("cannot become", N_("This step is not possible in the request's present state.")),
)


def field_word(field: str, lang: Lang, _: Callable[[str], str]) -> str:
    if field in FIELDS:
        return _(FIELDS[field])
    key = f"person.{field}"  # a rectification's corrections name the person's attributes
    return catalogue[key].label(lang) if key in catalogue else _("a field of the form")


def refusal(exc: Exception, lang: Lang, _: Callable[[str], str]) -> str:
    """The page's words for why the register refused a step of the desk."""
    if isinstance(exc, InvalidInput):
        return _("Check this: %(field)s.") % {"field": field_word(exc.field, lang, _)}
    if isinstance(exc, NotFound):
        return _("No such person in the register: check the customer number or identity code.")
    if isinstance(exc, RuleViolation):
        text = str(exc)
        for phrase, words in RULES:
            if phrase in text:
                return _(words)
    return _("The register did not accept this step.")
