"""Small things a demanding user notices: the favicon, the bell's icon, links in mail that
point at the address ownup was started on."""

import argparse

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_is_served(anon_web):
    r = anon_web.get("/favicon.ico")
    assert r.status_code == 200 and r["Content-Type"] == "image/x-icon"
    assert b"".join(r.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_bell_is_a_drawn_icon_not_an_emoji(owner_web, ws_a):
    html = owner_web.get("/").content.decode()
    assert 'class="bell-icon"' in html and "🔔" not in html
    assert 'rel="icon"' in html
    bell = owner_web.get("/notifications/bell/").content.decode()
    assert "<svg" in bell and "🔔" not in bell


class _Stop(Exception):
    pass


@pytest.mark.parametrize(("host", "expected"), [
    ("127.0.0.1", "http://127.0.0.1:8101"),
    ("::1", "http://[::1]:8101"),
])
def test_serve_links_point_at_its_own_address_without_site_url(monkeypatch, host, expected):
    from ownup.commands import serve

    seen = {}

    def stop():
        import os

        seen["site_url"] = os.environ.get("SITE_URL")
        raise _Stop

    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(serve, "setup_django", stop)
    args = argparse.Namespace(host=host, port=8101, processes=1, threads=1, no_worker=True)
    with pytest.raises(_Stop):
        serve.run(args)
    assert seen["site_url"] == expected

    monkeypatch.setenv("SITE_URL", "https://desk.example")
    with pytest.raises(_Stop):
        serve.run(args)
    assert seen["site_url"] == "https://desk.example"


def test_readme_configuration_table_is_whole_and_complete():
    """One table (no blank line cutting it) naming every variable the code reads."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1]
    lines = section.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| variable"))
    table = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        table.append(line)
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", "\n".join(table)))
    read = set()
    for path in (root / "ownup").rglob("*.py"):
        text = path.read_text()  # os.environ only: a WSGI environ's REMOTE_ADDR is no setting
        read |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z][A-Z0-9_]+)\"", text))
        read |= set(re.findall(r"_env_bool\(\"([A-Z][A-Z0-9_]+)\"", text))
    for path in (root / "ownup").rglob("*.toml"):  # variables named by data (OAuth presets)
        read |= set(re.findall(r"^env_\w+ = \"([A-Z][A-Z0-9_]+)\"", path.read_text(), re.M))
    read -= {"DJANGO_SETTINGS_MODULE"}
    assert read and read <= documented, sorted(read - documented)
