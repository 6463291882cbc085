"""A synthetic register for trying Rekisteri out, written through the same doors as real data."""
