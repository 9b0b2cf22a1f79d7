"""Models for postmortems."""

from django.db import models  # noqa: F401
