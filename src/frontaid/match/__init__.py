"""Finding people across scripts: name keys (names.py), the given-name table (given.py)."""
