"""Billing and collection: invoices from the billing system, payments from the bank (P4)."""
