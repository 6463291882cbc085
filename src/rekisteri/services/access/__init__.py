"""Need to know (P7-P9, P16): staff accounts and sessions, the audit trail, disclosures to
recipients, and call recordings lent for research."""
