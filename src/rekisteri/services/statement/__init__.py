"""The privacy statement (P17), generated from the catalogue and the settings."""
