"""Rekisteri: the customer register of an energy retailer, built to keep its privacy promises."""

__version__ = "0.1.0"
