"""The breach register (GDPR Art. 33/34): records, scopes from the audit trail, notices."""
