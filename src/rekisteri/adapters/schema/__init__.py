"""All tables, registered on one MetaData. Importing this package imports every table module."""

from rekisteri.adapters.schema import (
    access,
    audit,
    breach,
    consumption,
    credit,
    disclosure,
    mail,
    market,
    marketing,
    payments,
    population,
    register,
    rights,
    tasks,
    updates,
)
from rekisteri.adapters.schema.base import metadata

__all__ = [
    "access",
    "audit",
    "breach",
    "consumption",
    "credit",
    "disclosure",
    "mail",
    "market",
    "marketing",
    "metadata",
    "payments",
    "population",
    "register",
    "rights",
    "tasks",
    "updates",
]
