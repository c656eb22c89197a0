"""The legacy archive: JSONL import and export, and redirects from old article URLs."""
