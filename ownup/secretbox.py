"""Secrets at rest (IMAP/SMTP passwords, webhook URLs): Fernet with a key from the environment.

``OWNUP_SECRETS_KEY`` may be a Fernet key or any passphrase; when unset the key is derived
from ``SECRET_KEY``. Ciphertexts are plain strings, so they live in ordinary text columns.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretError(Exception):
    """A stored secret cannot be read with the configured key."""


@lru_cache(maxsize=4)
def _fernet(material: str) -> Fernet:
    digest = hashlib.sha256(("ownup-secrets:" + material).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _box() -> Fernet:
    return _fernet(settings.OWNUP_SECRETS_KEY or settings.SECRET_KEY)


def encrypt(plain: str) -> str:
    """Ciphertext for ``plain``; the empty string stays empty (nothing stored)."""
    if not plain:
        return ""
    return _box().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _box().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretError("a stored secret cannot be decrypted with the configured key") from exc


def mask(plain: str) -> str:
    """What the UI may show of a secret: its kind, never its value."""
    return "•••• (stored)" if plain else ""
