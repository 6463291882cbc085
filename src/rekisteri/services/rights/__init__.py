"""The person's rights (GDPR Art. 15-21, promises P11-P14): requests and what fulfils them."""
