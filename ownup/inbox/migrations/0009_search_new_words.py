"""Search the client's own new words (Message.new_text, the reply without the quoted history)
when the parser found them, else the whole body: the triggers of 0006, redefined."""

from django.db import migrations

WORDS_SQLITE = "CASE WHEN new.new_text <> '' THEN new.new_text ELSE new.body_text END"
SQLITE_UP = [
    "DROP TRIGGER IF EXISTS inbox_message_fts_ai",
    "DROP TRIGGER IF EXISTS inbox_message_fts_au",
    "CREATE TRIGGER inbox_message_fts_ai AFTER INSERT ON inbox_message "
    "WHEN new.direction = 'inbound' BEGIN "
    "INSERT INTO inbox_message_fts(rowid, subject, sender, words) "
    f"VALUES (new.rowid, new.subject, new.sender, {WORDS_SQLITE}); END",
    "CREATE TRIGGER inbox_message_fts_au AFTER UPDATE OF subject, sender, body_text, new_text, "
    "direction ON inbox_message BEGIN DELETE FROM inbox_message_fts WHERE rowid = old.rowid; "
    "INSERT INTO inbox_message_fts(rowid, subject, sender, words) "
    f"SELECT new.rowid, new.subject, new.sender, {WORDS_SQLITE} "
    "WHERE new.direction = 'inbound'; END",
    "DELETE FROM inbox_message_fts WHERE rowid IN "
    "(SELECT rowid FROM inbox_message WHERE new_text <> '' AND direction = 'inbound')",
    "INSERT INTO inbox_message_fts(rowid, subject, sender, words) "
    "SELECT rowid, subject, sender, new_text FROM inbox_message "
    "WHERE new_text <> '' AND direction = 'inbound'",
]
PG_UP = [
    "CREATE OR REPLACE FUNCTION inbox_message_search_update() RETURNS trigger AS $$ BEGIN "
    "IF NEW.direction = 'inbound' THEN NEW.search_vector := "
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.subject, '')), 'A') || "
    "setweight(to_tsvector('pg_catalog.english', coalesce(NEW.sender, '') || ' ' || "
    "translate(coalesce(NEW.sender, ''), '@.<>_-', '      ')), 'B') || "
    "setweight(to_tsvector('pg_catalog.english', left(CASE WHEN coalesce(NEW.new_text, '') "
    "<> '' THEN NEW.new_text ELSE coalesce(NEW.body_text, '') END, 100000)), 'C'); "
    "ELSE NEW.search_vector := NULL; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS inbox_message_search ON inbox_message",
    "CREATE TRIGGER inbox_message_search BEFORE INSERT OR UPDATE OF subject, sender, body_text, "
    "new_text, direction ON inbox_message FOR EACH ROW "
    "EXECUTE FUNCTION inbox_message_search_update()",
    "UPDATE inbox_message SET subject = subject WHERE direction = 'inbound' AND new_text <> ''",
]


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("inbox", "0008_raw_source_new_words")]

    operations = [
        migrations.RunPython(_run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
                             migrations.RunPython.noop),
    ]
