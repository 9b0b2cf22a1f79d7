"""The one pagination every API list uses: limit/offset with bounds, so an absurd offset
is a 422 naming the field rather than a number the database refuses."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 500
MAX_OFFSET = 100_000_000


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="rows per page (1-500)")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="rows to skip")
