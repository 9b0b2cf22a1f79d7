"""Exceptions services raise and every interface (web, API, CLI) turns into a clear message."""


class Conflict(Exception):
    """The change clashes with what is stored (a duplicate name, a stale state): HTTP 409."""


class TooSlow(Exception):
    """A read ran past its statement timeout and was cancelled: HTTP 503 with the reason."""
