"""Remembers the request being served, so services can audit who did something without
every service taking an ``actor`` argument."""

from __future__ import annotations

from contextvars import ContextVar

current_request: ContextVar = ContextVar("ownup_current_request", default=None)


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
