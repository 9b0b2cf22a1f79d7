"""Precision@3 of ``learnings_similar`` on the labelled set (numbers in docs/quality.md)."""

import pytest
from django.db import connection

from ownup.learnings.models import Learning
from ownup.learnings.selectors import learnings_similar

from .similarity_set import THEMES, precision_at_3

pytestmark = pytest.mark.django_db


def _load(ws, *, with_context: bool) -> dict[int, str]:
    theme_of = {}
    for theme, (title, statements) in THEMES.items():
        for statement in statements:
            x = Learning.objects.create(workspace=ws, statement=statement, published=True,
                                        context=title if with_context else "")
            theme_of[x.pk] = theme
    return theme_of


@pytest.mark.parametrize("with_context, floor", [(True, 0.6), (False, 0.4)])
def test_precision_at_3(ws_a, with_context, floor, capsys):
    theme_of = _load(ws_a, with_context=with_context)
    result = precision_at_3(lambda text: [
        theme_of[x.pk] for x in learnings_similar(workspace=ws_a, text=text, limit=3)])
    with capsys.disabled():
        print(f"\n[{connection.vendor}] context={with_context}: {result}")
    assert result["p_at_3_capped"] >= floor, result
