"""All tables, registered on one MetaData. Importing this package imports every table module."""

from rekisteri.adapters.schema import access, marketing, register
from rekisteri.adapters.schema.base import metadata

__all__ = ["access", "marketing", "metadata", "register"]
