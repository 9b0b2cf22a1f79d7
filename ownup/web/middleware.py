"""Security headers Django 5.2 does not set itself, and the input boundary (NUL characters,
oversized bodies)."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

#: No inline script anywhere (behaviours live in ownup.js); inline styles are allowed
#: (htmx's indicator style, a few style attributes). Images: own, data: and nothing remote,
#: so a tracking pixel in client mail never loads.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response


_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


def _nul_in(values) -> bool:
    return any("\x00" in v for v in values if isinstance(v, str))


def input_problem(request) -> tuple[str, str] | None:
    """(where, what) when the request carries a NUL character anywhere ownup reads input
    from: path, query, headers, form fields, JSON. PostgreSQL cannot store or compare one.
    May raise RequestDataTooBig."""
    if "\x00" in request.path:
        return "path", "A NUL character is not allowed in the address."
    if "\x00" in unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace"):
        return "query", "A NUL character (%00) is not allowed in a query parameter."
    if _nul_in(v for k, v in request.META.items() if k.startswith("HTTP_")):
        return "header", "A NUL character is not allowed in a header."
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.content_type == "multipart/form-data":
        try:
            fields = request.POST
        except MultiPartParserError:
            return None  # the view answers it as Django does
        if _nul_in(v for _, values in fields.lists() for v in values):
            return "body", "A NUL character is not allowed in a form field."
        return None
    body = request.body
    if b"\x00" in body or (
        request.content_type == "application/x-www-form-urlencoded"
        and "\x00" in unquote_plus(body.decode("latin-1"))
    ) or _JSON_NUL.search(body):
        return "body", "A NUL character (\\u0000) is not allowed in the request body."
    return None


class InputBoundaryMiddleware:
    """The one boundary every request's input crosses before any view: a NUL character
    anywhere is refused (422 from the API, 400 from pages), and a body over
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 (JSON from the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            problem = input_problem(request)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
            return _refuse(request, 413, "body", f"The request body is larger than the "
                                                 f"{limit:g} MB ownup accepts.")
        if problem is not None:
            return _refuse(request, 400, *problem)
        return self.get_response(request)


def _refuse(request, status: int, where: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        if status == 400:
            status = 422  # the API's status for input it cannot take
        return JsonResponse({"detail": [{"loc": [where], "msg": message}]}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
