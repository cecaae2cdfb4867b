"""frontaid: humanitarian operations for a town on the front line, offline-first."""

__version__ = "0.1.0"
