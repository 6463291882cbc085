"""Direct marketing (P5, P6, P8, P13): the consent ledger and its state, audiences and their
reach, ASML bans, segments, campaigns, and the person's preference centre."""
