"""Pages that several domains contribute to (the dashboard, the client page) ask this
registry for their sections, so ``clients`` need not import the apps built on it.

A provider is ``func(request, obj) -> dict | None``; the dict holds at least
``template`` and ``order``, plus whatever the template reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

_providers: dict[str, list[Callable]] = defaultdict(list)


def register_panel(page: str, provider: Callable) -> Callable:
    if provider not in _providers[page]:
        _providers[page].append(provider)
    return provider


def panels_for(page: str, *, request, obj=None) -> list[dict]:
    panels = [p for provider in _providers[page] if (p := provider(request, obj))]
    return sorted(panels, key=lambda p: p.get("order", 100))
