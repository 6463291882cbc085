"""The ways a search found a person (`matched_by` of services/register/search), marked for the
page catalogues: the search page says "1 found by customer number" in its own language."""

from __future__ import annotations

from rekisteri.domain.translatable import N_

MATCHED_BY = (
    N_("metering point"),
    N_("identity code"),
    N_("customer number"),
    N_("e-mail"),
    N_("phone"),
    N_("address"),
    N_("name"),
)
