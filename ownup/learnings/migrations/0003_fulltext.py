"""Full-text search kept in sync by the database: FTS5 + triggers on SQLite, a
trigger-maintained tsvector column with a GIN index on PostgreSQL."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS learnings_fts USING fts5("
    "statement, context, tokenize = 'porter unicode61')",
    "CREATE TRIGGER learnings_fts_ai AFTER INSERT ON learnings_learning BEGIN "
    "INSERT INTO learnings_fts(rowid, statement, context) VALUES (new.id, new.statement, "
    "new.context || ' ' || new.service_line || ' ' || new.category); END",
    "CREATE TRIGGER learnings_fts_ad AFTER DELETE ON learnings_learning BEGIN "
    "DELETE FROM learnings_fts WHERE rowid = old.id; END",
    "CREATE TRIGGER learnings_fts_au AFTER UPDATE OF statement, context, service_line, category "
    "ON learnings_learning BEGIN DELETE FROM learnings_fts WHERE rowid = old.id; "
    "INSERT INTO learnings_fts(rowid, statement, context) VALUES (new.id, new.statement, "
    "new.context || ' ' || new.service_line || ' ' || new.category); END",
    "INSERT INTO learnings_fts(rowid, statement, context) SELECT id, statement, "
    "context || ' ' || service_line || ' ' || category FROM learnings_learning",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS learnings_fts_ai",
    "DROP TRIGGER IF EXISTS learnings_fts_ad",
    "DROP TRIGGER IF EXISTS learnings_fts_au",
    "DROP TABLE IF EXISTS learnings_fts",
]
PG_UP = [
    # The statement weighs most (A), then the tags (B), then the incident context (C).
    "CREATE FUNCTION learnings_search_vector_update() RETURNS trigger AS $$ BEGIN "
    "NEW.search_vector := "
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.statement, '')), 'A') || "
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.service_line, '') || ' ' || "
    "coalesce(NEW.category, '')), 'B') || "
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.context, '')), 'C'); "
    "RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER learnings_search_vector BEFORE INSERT OR UPDATE ON learnings_learning "
    "FOR EACH ROW EXECUTE FUNCTION learnings_search_vector_update()",
    "UPDATE learnings_learning SET statement = statement",
    "CREATE INDEX learning_search_gin ON learnings_learning USING GIN (search_vector)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS learning_search_gin",
    "DROP TRIGGER IF EXISTS learnings_search_vector ON learnings_learning",
    "DROP FUNCTION IF EXISTS learnings_search_vector_update()",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor, [])
        for sql in chosen:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("learnings", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        ),
    ]
