"""All tables, registered on one MetaData. Importing this package imports every table module."""

from rekisteri.adapters.schema import (
    access,
    audit,
    breach,
    consumption,
    credit,
    disclosure,
    marketing,
    payments,
    register,
    rights,
    tasks,
)
from rekisteri.adapters.schema.base import metadata

__all__ = [
    "access",
    "audit",
    "breach",
    "consumption",
    "credit",
    "disclosure",
    "marketing",
    "metadata",
    "payments",
    "register",
    "rights",
    "tasks",
]
