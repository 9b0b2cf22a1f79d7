"""Models for mailboxes."""

from django.db import models  # noqa: F401
