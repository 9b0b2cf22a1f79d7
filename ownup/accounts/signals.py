"""What accounts announce, for the floors above to act on without accounts importing them.

``access_changed``: a role was set or an API token created or revoked. The audit log records
it (``ownup/audit/signals.py``); receivers run synchronously, inside the service's transaction.
Keyword arguments: ``action``, ``workspace``, ``actor`` (None: the request's user),
``target``, ``detail``.
"""

from django.dispatch import Signal

access_changed = Signal()
