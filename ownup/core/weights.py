"""Reading a learned model's packaged weights: a JSON file beside the module that uses it.

The learned parts of triage (``triage_mood``, ``triage_emergency``) read their weights through
this one function; each turns the parsed file into its own model. A missing file is not an error:
the rules then decide alone.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def packaged(package: str, name: str) -> dict[str, Any] | None:
    """The JSON file ``name`` inside ``package``, parsed; None when the file is absent."""
    try:
        text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data: dict[str, Any] = json.loads(text)
    return data
