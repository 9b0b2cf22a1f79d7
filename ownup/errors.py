"""Exceptions services raise and every interface (web, API, CLI) turns into a clear message."""


class Conflict(Exception):
    """The change clashes with what is stored (a duplicate name, a stale state): HTTP 409."""
