"""Records and rules, with no I/O: vocabularies, codes, cycles, workflows, schemas."""
