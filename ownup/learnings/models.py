"""Models for learnings."""

from django.db import models  # noqa: F401
