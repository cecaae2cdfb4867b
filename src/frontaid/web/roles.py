"""The web roles, in a module of their own so the CLI can name them without loading argon2."""

ROLES = ("coordinator", "desk", "field", "analyst")

# What a role is called on screen: its own msgid, since "field" alone is also a form's field.
ROLE_LABELS = {
    "coordinator": "coordinator (role)",
    "desk": "desk volunteer (role)",
    "field": "field team (role)",
    "analyst": "analyst (role)",
}
