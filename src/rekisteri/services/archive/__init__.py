"""The readings archive: sync from the day blocks, and privacy reaching the archive."""
