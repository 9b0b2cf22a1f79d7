"""Reads for learnings: the library (search, filters, counts) and similarity for panels.

Ranking is the database's own full-text ranking: FTS5 ``bm25`` on SQLite, ``ts_rank`` on
PostgreSQL (``SearchRank`` over the trigger-maintained ``search_vector``, GIN-indexed).
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, QuerySet

from .models import FailureCategory, Learning
from .text import terms


def published(workspace) -> QuerySet[Learning]:
    return (Learning.objects.filter(workspace=workspace, published=True)
            .select_related("client", "postmortem", "postmortem__incident",
                            "postmortem__incident__client"))


def _ranked_ids(qs: QuerySet[Learning], words: list[str], *, any_word: bool,
                limit: int | None) -> list[int]:
    """Ids of ``qs`` matching ``words`` (all of them, or any), best first.

    The library (all words) ranks a match in the statement above one in the incident's
    context; similarity (any word) weighs them equally — measured better on the labelled set
    (docs/quality.md)."""
    if not words:
        return []
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank
        from django.db.models import F

        query = SearchQuery((" | " if any_word else " & ").join(words), search_type="raw",
                            config="english")
        ranked = (qs.filter(search_vector=query)
                  .annotate(rank=SearchRank(F("search_vector"), query,
                                            weights=[1.0, 1.0, 1.0, 1.0] if any_word
                                            else [0.1, 0.2, 0.4, 1.0]))
                  .order_by("-rank", "-id").values_list("id", flat=True))
        return list(ranked[:limit] if limit else ranked)
    match = (" OR " if any_word else " ").join(f'"{w}"' for w in words)
    inner, params = qs.values("id").query.sql_with_params()
    weight = "1.0" if any_word else "3.0"
    sql = ("SELECT rowid FROM learnings_fts WHERE learnings_fts MATCH %s "
           f"AND rowid IN ({inner}) ORDER BY bm25(learnings_fts, {weight}, 1.0), rowid DESC")
    args: list = [match, *params]
    if limit:
        sql += " LIMIT %s"
        args.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [row[0] for row in cursor.fetchall()]


def learning_search(*, workspace, q: str = "", client=None, category: str = "",
                    service_line: str = "", limit: int = 200) -> list[Learning]:
    """The library: published learnings matching every word of ``q`` (best first), else the
    newest; filtered by client, failure category and service line."""
    qs = published(workspace)
    if client is not None:
        qs = qs.filter(client=client)
    if category in FailureCategory.values:
        qs = qs.filter(category=category)
    if service_line:
        qs = qs.filter(service_line__iexact=service_line)
    words = terms(q) if q.strip() else []
    if q.strip() and not words:  # only short or common words: fall back to a substring
        return list(qs.filter(statement__icontains=q.strip())[:limit])
    if not words:
        return list(qs[:limit])
    ids = _ranked_ids(qs, words, any_word=False, limit=limit)
    by_id = {x.pk: x for x in qs.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def learnings_similar(*, workspace, text: str, client=None, limit: int = 5,
                      exclude_postmortem=None) -> list[Learning]:
    """Published learnings most similar to ``text`` (any client; with ``client`` given, ones
    tagged with that client come first among equally relevant ones)."""
    words = terms(text)
    if not words or limit <= 0:
        return []
    qs = Learning.objects.filter(workspace=workspace, published=True)
    if exclude_postmortem is not None:
        qs = qs.exclude(postmortem=exclude_postmortem)
    ids = _ranked_ids(qs, words, any_word=True, limit=limit * 3)
    if not ids:
        return []
    by_id = {x.pk: x for x in published(workspace).filter(pk__in=ids)}
    ordered = [by_id[i] for i in ids if i in by_id]
    if client is not None:
        # Stable: keeps the rank order, lifting this client's learnings within the top group.
        top = ordered[:limit]
        ordered = sorted(top, key=lambda x: x.client_id != client.pk) + ordered[limit:]
    return ordered[:limit]


def learning_filters(workspace) -> dict:
    qs = Learning.objects.filter(workspace=workspace, published=True)
    by_category = dict(qs.order_by().values_list("category").annotate(n=Count("id")))
    return {
        "categories": [(v, label, by_category.get(v, 0)) for v, label in FailureCategory.choices],
        "service_lines": sorted({s for s in qs.values_list("service_line", flat=True) if s}),
        "by_category": by_category,
        "total": sum(by_category.values()),
    }
