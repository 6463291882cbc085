"""Who the register knows: persons, their attributes, history, search, keys."""
