"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router.

Callers authenticate with ``Authorization: Bearer <token>`` (a token belongs to one
user in one workspace) or, from the web UI, with the session cookie plus CSRF token.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, DataError, connection, transaction
from ninja import NinjaAPI

from ownup.accounts.api_auth import workspace_auth
from ownup.errors import Conflict, TooSlow

log = logging.getLogger("ownup.api")

#: Every error answer is ``{"detail": …}``: a message, or a list of ``{loc, msg}``.
ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["detail"],
    "properties": {"detail": {"description": "A message, or a list of {loc, msg} (422)."}},
}
ERRORS = {
    400: "The body is not valid JSON.",
    401: "No valid token (or session).",
    403: "Your role in this workspace does not allow this.",
    404: "No such object in this workspace (another workspace's ids are unknown here).",
    409: "The change clashes with what is stored (a duplicate, a stale state).",
    413: "The body is larger than the server accepts (2.5 MB).",
    422: "A parameter or field is invalid: each listed with its loc (query, path or body).",
    503: "The database is unavailable, or a report ran past its time limit; see Retry-After.",
}


def document_errors(schema: dict) -> dict:
    """Add the error answers each operation can give to the OpenAPI document: 403, 404, 422
    and 503 everywhere; 401 where a token is needed; 409 on writes; 400 and 413 with a body."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = [403, 404, 422, 503]
            codes += [401] if operation.get("security") else []
            codes += [409] if method != "get" else []
            codes += [400, 413] if "requestBody" in operation else []
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                if code not in responses and str(code) not in responses:
                    responses[code] = {
                        "description": ERRORS[code],
                        "content": {"application/json": {
                            "schema": {"$ref": "#/components/schemas/Error"}}},
                    }
    return schema


class OwnupAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        return document_errors(super().get_openapi_schema(**kwargs))


api = OwnupAPI(
    title="ownup API",
    version="1",
    description="Clients, policies, messages, incidents and reports of one agency workspace.",
    auth=workspace_auth(),
    urls_namespace="api-1",
)


def _field_errors(request, exc: ValidationError) -> list[dict]:
    """Each message with its ``loc``: ``query`` for a query parameter (or any error of a
    request without a body), else ``body``."""
    bodiless = request.method in ("GET", "HEAD", "DELETE")

    def where(field: str) -> str:
        return "query" if bodiless or field in request.GET else "body"

    if hasattr(exc, "error_dict"):
        return [
            {"loc": [where(field), field], "msg": msg}
            for field, msgs in exc.message_dict.items()
            for msg in msgs
        ]
    return [{"loc": ["query" if bodiless else "body"], "msg": msg} for msg in exc.messages]


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return api.create_response(request, {"detail": _field_errors(request, exc)}, status=422)


@api.exception_handler(Conflict)
def on_conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    msg = str(exc) or "Your role in this workspace does not allow this."
    return api.create_response(request, {"detail": msg}, status=403)


def _value_out_of_range(request):
    _roll_back_failed_block()
    return api.create_response(
        request,
        {"detail": [{"loc": ["query"], "msg": "A value is out of range (too large or too long)."}]},
        status=422,
    )


def _roll_back_failed_block() -> None:
    """Inside a transaction (ATOMIC_REQUESTS, a test), a failed statement leaves it unusable:
    mark it for rollback so the block ends cleanly. In autocommit this does nothing."""
    if connection.in_atomic_block:
        transaction.set_rollback(True)


@api.exception_handler(TooSlow)
def on_too_slow(request, exc):
    _roll_back_failed_block()
    response = api.create_response(request, {"detail": str(exc)}, status=503)
    response["Retry-After"] = "30"
    return response


@api.exception_handler(OverflowError)
def on_overflow(request, exc):
    return _value_out_of_range(request)


@api.exception_handler(DatabaseError)
def on_database_error(request, exc):
    """A database that cannot be reached is 503; a value it refuses (DataError) is the caller's."""
    if isinstance(exc, DataError) or isinstance(exc.__cause__, OverflowError):
        return _value_out_of_range(request)
    _roll_back_failed_block()
    log.error("database error on %s %s: %s", request.method, request.path, exc)
    response = api.create_response(
        request, {"detail": "The database is unavailable; try again shortly."}, status=503
    )
    response["Retry-After"] = "5"
    return response


def _mount() -> None:
    from ownup.accounts.api import router as members_router
    from ownup.audit.api import router as audit_router
    from ownup.clients.api import router as clients_router
    from ownup.drafts.api import router as drafts_router
    from ownup.goals.api import router as goals_router
    from ownup.inbox.api import router as inbox_router
    from ownup.incidents.api import router as incidents_router
    from ownup.incidents.disruption_api import router as disruptions_router
    from ownup.learnings.api import router as learnings_router
    from ownup.mailboxes.api import router as mailboxes_router
    from ownup.notify.api import router as notify_router
    from ownup.policies.api import router as policies_router
    from ownup.postmortems.api import router as postmortems_router
    from ownup.reports.api import router as reports_router
    from ownup.web.api import router as checks_router

    api.add_router("/", members_router)
    api.add_router("/", clients_router)
    api.add_router("/", policies_router)
    api.add_router("/", checks_router)
    api.add_router("/", drafts_router)
    api.add_router("/", inbox_router)
    api.add_router("/", incidents_router)
    api.add_router("/", disruptions_router)
    for router in (notify_router, mailboxes_router, postmortems_router, learnings_router,
                   reports_router, goals_router, audit_router):
        api.add_router("/", router)


_mount()
