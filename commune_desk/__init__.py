"""Commune Desk: the offline-first one-stop counter of a Vietnamese commune."""

__version__ = "0.1.0"
