"""All tables, registered on one MetaData. Importing this package imports every table module."""

from rekisteri.adapters.schema import access, consumption, register
from rekisteri.adapters.schema.base import metadata

__all__ = ["access", "consumption", "metadata", "register"]
