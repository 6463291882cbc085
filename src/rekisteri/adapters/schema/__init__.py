"""All tables, registered on one MetaData. Importing this package imports every table module."""

from rekisteri.adapters.schema import access, audit, disclosure, register, rights
from rekisteri.adapters.schema.base import metadata

__all__ = ["access", "audit", "disclosure", "metadata", "register", "rights"]
