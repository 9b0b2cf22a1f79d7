"""Security headers Django 5.2 does not set itself, and the input boundary (NUL characters,
oversized bodies)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse, QueryDict
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


#: ``\u0000`` in JSON text (not preceded by an escaping backslash).
_JSON_NUL = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000", re.IGNORECASE)


def _without_nul(query: QueryDict) -> QueryDict | None:
    """A copy of ``query`` with NUL characters removed, or None when it holds none."""
    if not any("\x00" in k or "\x00" in v for k, values in query.lists() for v in values
               if isinstance(v, str)):
        return None
    clean = QueryDict(mutable=True)
    for key, values in query.lists():
        clean.setlist(key.replace("\x00", ""),
                      [v.replace("\x00", "") if isinstance(v, str) else v for v in values])
    clean._mutable = False
    return clean


def strip_nul(request) -> None:
    """Remove every NUL character from what views read: query, form fields, JSON body and
    headers (files keep their bytes). PostgreSQL can neither store nor compare one. May raise
    RequestDataTooBig or MultiPartParserError (left to Django)."""
    for key, value in list(request.META.items()):
        if key.startswith("HTTP_") and isinstance(value, str) and "\x00" in value:
            request.META[key] = value.replace("\x00", "")
    if (clean := _without_nul(request.GET)) is not None:
        request.GET = clean
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        if (clean := _without_nul(request.POST)) is not None:
            request.POST = clean
        return
    if request.content_type == "message/rfc822":
        return  # raw mail keeps its bytes (binary parts); the mail parser drops NULs from text
    body = request.body
    if b"\x00" in body or b"\\u0000" in body.lower():
        request._body = _JSON_NUL.sub(rb"\1", body.replace(b"\x00", b""))


class InputBoundaryMiddleware:
    """The one boundary every request's input crosses before any view: NUL characters are
    removed from the query, form fields, JSON bodies and headers (a NUL in the path is a 400),
    and a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 (JSON from the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return _refuse(request, 400, "path", "A NUL character is not allowed in the address.")
        try:
            strip_nul(request)
        except RequestDataTooBig:
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_000_000
            return _refuse(request, 413, "body", f"The request body is larger than the "
                                                 f"{limit:g} MB ownup accepts.")
        except MultiPartParserError:
            pass  # the view meets it as Django would
        return self.get_response(request)


def _refuse(request, status: int, where: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": [{"loc": [where], "msg": message}]}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


#: Session key of the values a refused form was sent with, for the page it redirects to.
KEPT_KEY = "_kept_input"


class KeepInputMiddleware:
    """Forms keep what was typed, every form, without anything in its view or template: when
    a form post is answered with an error page (4xx HTML), the forms in it that post to the
    same address show the sent values again; when it is refused with an error message and a
    redirect, the values wait in the session and the next page fills them in (ownup.ui.keep).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/api/") or getattr(response, "streaming", False):
            return response
        html = "text/html" in response.get("Content-Type", "")
        if request.method == "POST":
            if 400 <= response.status_code < 500 and html:
                self._fill(response, request.POST, request.path, request.path)
            elif response.status_code in (301, 302, 303) and _refused(request):
                from ownup.ui.keep import stashable

                if hasattr(request, "session") and (data := stashable(request.POST)):
                    request.session[KEPT_KEY] = {"path": request.path, "data": data}
        elif (request.method == "GET" and html and response.status_code == 200
              and hasattr(request, "session")
              and KEPT_KEY in request.session):
            kept = request.session.pop(KEPT_KEY)
            self._fill(response, kept["data"], kept["path"], request.path)
        return response

    @staticmethod
    def _fill(response, data, posted_to: str, page_path: str) -> None:
        from ownup.ui.keep import refill

        charset = response.charset or "utf-8"
        text = response.content.decode(charset, "replace")
        filled = refill(text, data, posted_to=posted_to, page_path=page_path)
        if filled is not text:
            response.content = filled.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))


def _refused(request) -> bool:
    """An error message was added while handling this request."""
    from django.contrib import messages

    queued = getattr(getattr(request, "_messages", None), "_queued_messages", [])
    return any(m.level >= messages.ERROR for m in queued)
