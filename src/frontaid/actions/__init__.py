"""The verbs of frontaid. Each validates its input and records ops; CLI and web only call these.

Every function takes the replica and the actor (who is doing it) first.
"""
