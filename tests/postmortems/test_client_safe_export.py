"""The client-safe post-mortem (issue 17, case 5): only what the client saw or was promised,
dates on the client's clock, Markdown rendered in the PDF, no placeholder."""

import pytest

from ownup.postmortems.export import markdown_plain

from .conftest import publish

pytestmark = pytest.mark.django_db


def test_client_safe_timeline_is_what_the_client_saw(owner_web, anon_web, pm, member, owner):
    publish(pm, member, owner, root_causes="#Five whys\n**No second check** on budgets.")
    safe = owner_web.get(f"/postmortems/{pm.pk}/export.md?version=client").content.decode()
    timeline = safe.split("## Timeline", 1)[1].split("##", 1)[0]
    # the call that informed Ellie, the date agreed in the plan; no internal step
    assert "We called you" in timeline and "We agreed a new date for Report" in timeline
    for internal in ("not yet complete", "tone check", "recorded", "Notify", "Opened as"):
        assert internal not in timeline
    # a date as the client reads it: "5 January 2026"-style, never "2026-01-0510:00"
    assert "2026" in timeline and " — " in timeline
    internal = owner_web.get(f"/postmortems/{pm.pk}/export.md").content.decode()
    assert "Huddle" in internal or "recorded" in internal  # the team's own copy keeps it all
    assert owner_web.post(f"/postmortems/{pm.pk}/share/").status_code == 302
    pm.refresh_from_db()
    page = anon_web.get(f"/postmortems/shared/{pm.share_token}/").content.decode()
    assert "We called you" in page and "not yet complete" not in page


def test_pdf_renders_markdown():
    text = "## Root causes\n#Five whys\n**Bold** and _soft_ and [the doc](https://x.example/d)"
    plain = markdown_plain(text)
    assert "#" not in plain and "**" not in plain and "_soft_" not in plain
    assert "Five whys" in plain and "the doc (https://x.example/d)" in plain


def test_client_safe_export_refuses_placeholders(owner_web, member_api, pm, member, owner):
    publish(pm, member, owner, summary="The release went out on [date] by mistake.")
    r = owner_web.get(f"/postmortems/{pm.pk}/export.md?version=client")
    assert r.status_code == 422 and "[date]" in r.content.decode()
    r = member_api.get(f"postmortems/{pm.pk}/export", version="client")
    assert r.status_code == 422
    assert owner_web.get(f"/postmortems/{pm.pk}/export.md").status_code == 200  # internal
