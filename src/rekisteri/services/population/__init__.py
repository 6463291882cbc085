"""The population register's changes applied to the register (issue 16, item 1)."""
