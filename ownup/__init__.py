"""ownup: a client-service desk for agencies."""

__version__ = "0.1.0"
