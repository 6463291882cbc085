"""Service contacts: the contact log, call recordings, feedback."""
