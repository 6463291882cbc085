"""File formats of reports written for people: the access package (JSON, CSV, HTML, PDF)."""
