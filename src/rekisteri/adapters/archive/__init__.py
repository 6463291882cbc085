"""The readings archive: columnar files past the database (docs/archive.md)."""
