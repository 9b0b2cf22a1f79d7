import pytest

pytestmark = pytest.mark.django_db

BAD = "Sorry if you were upset. Our internet was down, it was only a small glitch. Guaranteed."


def test_tone_api_contract(owner_api):
    r = owner_api.post("tone/check", {"text": BAD, "kind": "apology"})
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["findings", "present"]
    cats = {f["category"] for f in body["findings"]}
    assert {"blame", "excuse", "minimizing", "overpromise"} <= cats
    for f in body["findings"]:
        assert set(f) == {"category", "start", "end", "message", "suggestion"}
        if f["end"] > f["start"]:
            assert BAD[f["start"]:f["end"]]
    assert set(body["present"]) == {"apology", "ownership", "empathy", "next_step"}


def test_tone_api_rejects_unknown_kind(owner_api):
    r = owner_api.post("tone/check", {"text": "hi", "kind": "poem"})
    assert r.status_code == 422


def test_triage_api(owner_api, anon_api):
    r = owner_api.post("triage", {"subject": "URGENT: checkout is charging customers twice",
                                  "body": "Our checkout is broken and it's all over Twitter!!!"})
    assert r.status_code == 200
    body = r.json()
    assert body["class"] == "emergency" and body["signals"]
    assert anon_api.post("triage", {"body": "x"}).status_code == 401
    assert anon_api.post("tone/check", {"text": "x"}).status_code == 401


def test_tone_page_highlights_as_you_type(owner_web, anon_web):
    page = owner_web.get("/tone/")
    assert page.status_code == 200 and b'hx-trigger="input changed delay:400ms' in page.content
    r = owner_web.post("/tone/", {"text": BAD + " <script>x</script>", "kind": "apology"},
                       headers={"HX-Request": "true"})
    html = r.content.decode()
    assert '<mark class="tone-excuse"' in html and "<script>x" not in html
    assert "&lt;script&gt;" in html and "<html" not in html
    good = owner_web.post("/tone/", {"kind": "acknowledgement", "text":
                          "Thanks Ellie, I understand how frustrating this is. I'll get to the "
                          "bottom of it first thing in the morning and call you by 10 a.m."},
                          headers={"HX-Request": "true"})
    assert "Ready to send" in good.content.decode()
    assert anon_web.get("/tone/").status_code == 302


def test_pages_forbid_inline_script_and_remote_images(owner_web):
    r = owner_web.get("/")
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "img-src 'self' data:" in csp
    assert "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"


def test_no_template_carries_inline_script():
    """Inline handlers or <script> blocks would be blocked by the CSP: keep them out."""
    import re
    from pathlib import Path

    import ownup

    offenders = []
    for path in Path(ownup.__file__).parent.rglob("templates/**/*.html"):
        text = path.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", text) or re.search(
                r"\son(click|change|submit|input|load|error)=|hx-on", text):
            offenders.append(str(path))
    assert offenders == []


def test_api_schema_names_are_unique():
    """Two ninja schemas with one class name share one OpenAPI component: one of them is
    then documented wrongly (schemathesis caught it once). Keep the names unique."""
    from collections import defaultdict

    from ninja import Schema

    import ownup.api  # noqa: F401 - mounts every router

    modules = defaultdict(set)

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("ownup"):
                modules[sub.__name__].add(sub.__module__)
            walk(sub)

    walk(Schema)
    assert {name: mods for name, mods in modules.items() if len(mods) > 1} == {}
