"""Call recordings: their audio in the encrypted file store, taken in, played and exported."""
