"""Backups restore every table exactly; exports hold one workspace's rows and no secrets."""

import json
import tarfile

import pytest

from ownup.backup import BackupError, backed_up_models, backup_create, backup_restore
from ownup.cli import main


def _snapshot() -> dict:
    """Every row of every backed-up table, as plain values, by pk."""
    snap = {}
    for model in backed_up_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._default_manager.order_by("pk").values_list(*fields)
        snap[model._meta.label_lower] = [
            tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows
        ]
    return snap


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "attachments").mkdir(parents=True)
    (tmp_path / "media" / "attachments" / "brief.txt").write_text("the brief")
    from ownup.demo import load_demo

    return load_demo()


def test_round_trip_restores_every_table_and_file(demo, tmp_path, settings):
    from ownup.inbox.models import Quarantine

    Quarantine.objects.create(workspace=demo, reason="binary", raw=b"\x00\xffraw")
    before = _snapshot()
    assert sum(len(rows) for rows in before.values()) > 100  # the demo really has data
    archive = tmp_path / "backup.tar.gz"
    manifest = backup_create(path=archive)
    assert manifest["counts"]["inbox.quarantine"] == 1

    (tmp_path / "media" / "attachments" / "brief.txt").unlink()
    from ownup.clients.models import Client

    Client.objects.filter(workspace=demo).first().delete()  # a change the restore must undo
    assert _snapshot() != before

    result = backup_restore(path=archive, force=True)
    after = _snapshot()
    for label, rows in before.items():
        assert after[label] == rows, label
    assert sum(result["restored"].values()) == sum(manifest["counts"].values())
    assert (tmp_path / "media" / "attachments" / "brief.txt").read_text() == "the brief"


def test_restore_refuses_a_database_with_data_and_keeps_it(demo, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup_create(path=archive)
    before = _snapshot()
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(path=archive)
    assert _snapshot() == before


def test_restore_refuses_garbage_and_newer_archives(transactional_db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(BackupError, match="not a readable"):
        backup_restore(path=junk)
    with pytest.raises(BackupError, match="no such file"):
        backup_restore(path=tmp_path / "missing.tar.gz")

    newer = tmp_path / "newer.tar.gz"
    backup_create(path=newer)
    with tarfile.open(newer) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        data = tar.extractfile("data.jsonl").read()
    manifest["migrations"].append(["inbox", "9999_from_the_future"])
    rebuilt = tmp_path / "rebuilt.tar.gz"
    import io

    with tarfile.open(rebuilt, "w:gz") as tar:
        for name, blob in (("manifest.json", json.dumps(manifest).encode()),
                           ("data.jsonl", data)):
            info = tarfile.TarInfo(name)
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    with pytest.raises(BackupError, match="newer ownup"):
        backup_restore(path=rebuilt, force=True)


def test_cli_backup_restore_and_errors(demo, tmp_path, capsys):
    archive = tmp_path / "cli.tar.gz"
    assert main(["backup", str(archive)]) == 0
    assert "backup written" in capsys.readouterr().out
    assert main(["restore", str(archive)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["restore", str(archive), "--force"]) == 0
    assert "restored" in capsys.readouterr().out


def test_export_holds_one_workspace_and_no_secrets(ws_a, ws_b, owner, outsider, capsys,
                                                   tmp_path):
    from ownup.accounts.services import token_create
    from ownup.clients.services import client_create

    client_create(workspace=ws_a, name="Acme Foods")
    client_create(workspace=ws_b, name="Other Agency Client")
    token_create(user=owner, workspace=ws_a, name="ci")
    out = tmp_path / "a.json"
    assert main(["export", "--workspace", "agency-a", "--output", str(out)]) == 0
    doc = json.loads(out.read_text())
    names = [c["name"] for c in doc["data"]["clients.client"]]
    assert names == ["Acme Foods"]
    assert [p["email"] for p in doc["people"]] == ["owner@a.example"]
    text = out.read_text()
    assert "Other Agency Client" not in text and "outsider@b.example" not in text
    assert "token_hash" not in text and "password" not in text
    assert doc["data"]["accounts.apitoken"][0]["name"] == "ci"

    assert main(["export", "--workspace", "agency-a", "--client", "acme foods"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["client"]["name"] == "Acme Foods"
    assert [c["name"] for c in one["data"]["clients.client"]] == ["Acme Foods"]
    assert main(["export", "--workspace", "agency-a", "--client", "nobody"]) == 2
    assert "no client 'nobody'" in capsys.readouterr().err


def test_backup_and_export_files_are_readable_by_their_owner_only(transactional_db, ws_a, owner,
                                                                  tmp_path):
    import os
    import stat

    old = os.umask(0o022)
    try:
        archive = tmp_path / "b.tar.gz"
        archive.write_bytes(b"old")
        archive.chmod(0o644)  # an earlier, world-readable file is tightened too
        backup_create(path=archive)
        assert stat.S_IMODE(archive.stat().st_mode) == 0o600
        with tarfile.open(archive) as tar:
            assert "data.jsonl" in tar.getnames()
        assert main(["export", "--workspace", ws_a.slug, "--output",
                     str(tmp_path / "e.json")]) == 0
        assert stat.S_IMODE((tmp_path / "e.json").stat().st_mode) == 0o600
    finally:
        os.umask(old)
