"""Finding people registered twice: pure functions over records, no database.

records.py (what is compared), blocking.py (which pairs), scoring.py (Fellegi–Sunter weights),
parallel.py (forked workers for a big run), dedup.py (`find_pairs`, the method in its docstring).
Name keys and the given-name table live in domain/ (the store indexes them too); the SQL that
feeds the matcher is in queries/dedup.py.
"""
