"""Replicas: the SQLite file, its schema, the op log and the projections."""
