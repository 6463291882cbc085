"""The record of processing activities (GDPR Art. 30(1)), generated from the catalogue, the
settings and the recipient register, as the privacy statement is (services/statement)."""
