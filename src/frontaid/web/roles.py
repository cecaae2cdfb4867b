"""The web roles, in a module of their own so the CLI can name them without loading argon2."""

ROLES = ("coordinator", "desk", "field", "analyst")
