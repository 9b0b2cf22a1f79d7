"""A fresh PostgreSQL database per deployment test (dropped after it)."""

from __future__ import annotations

import os
import uuid

import pytest

PG = os.environ.get("DATABASE_URL", "")


def _admin_url(url: str, db: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + db


@pytest.fixture
def database():
    import psycopg

    name = f"ownup_deploy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(PG, "postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _admin_url(PG, name)
    finally:
        with psycopg.connect(_admin_url(PG, "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
