"""ownup.ui.keep.refill: the sent values back into the form they came from, and only there."""

from django.http import QueryDict

from ownup.ui.keep import refill

PAGE = """<form method="post" action="/a/">
<input type="hidden" name="csrfmiddlewaretoken" value="t">
<input type="hidden" name="scope" value="me"><input name="label"><input type="password" name="url">
<textarea name="note"></textarea><input type="checkbox" name="on" checked>
<select name="kind"><option value="x" selected>X</option><option value="y">Y</option></select>
<select name="who" multiple><option>Ann</option><option>Bo</option><option>Cy</option></select>
<input name="row"><input name="row"></form>
<form method="post" action="/a/"><input type="hidden" name="scope" value="workspace">
<input name="label"></form><form method="post" action="/b/"><input name="label"></form>"""


def _sent(**lists):
    q = QueryDict(mutable=True)
    for k, v in lists.items():
        q.setlist(k, v)
    return q


def test_the_sent_form_shows_what_was_sent_and_no_other_form_does():
    html = refill(PAGE, _sent(csrfmiddlewaretoken=["evil"], scope=["me"], label=['A "b" <c>'],
                              url=["secret://token"], note=["\nline <1>"], kind=["y"],
                              who=["Ann", "Cy"], row=["r1", "r2"]),
                  posted_to="/a/", page_path="/a/")
    first, second, third = html.split("</form>")[:3]
    assert 'value="t"' in first and "evil" not in html  # the CSRF token is the server's
    assert 'name="label" value="A &quot;b&quot; &lt;c&gt;"' in first
    assert "secret://token" not in html  # a password field is never written back
    assert "<textarea name=\"note\">\n\nline &lt;1&gt;</textarea>" in first
    assert 'name="on" checked' not in first  # unticked when it was sent unticked
    assert '<option value="x">X</option><option value="y" selected>Y</option>' in first
    assert "<option selected>Ann</option><option>Bo</option><option selected>Cy</option>" in first
    assert 'name="row" value="r1"' in first and 'name="row" value="r2"' in first
    assert "A &quot;b&quot;" not in second  # same address, another scope
    assert "A &quot;b&quot;" not in third  # another address


def test_a_page_without_the_form_is_unchanged():
    assert refill(PAGE, _sent(label=["x"]), posted_to="/c/", page_path="/c/") == PAGE


def test_a_folded_form_is_opened_again():
    page = ('<details><summary>Fixed</summary><form method="post" action="/fix/">'
            '<textarea name="what"></textarea></form></details>'
            '<details><summary>Other</summary><form method="post" action="/other/">'
            '<input name="what"></form></details>')
    html = refill(page, _sent(what=["Budget corrected"]), posted_to="/fix/", page_path="/x/")
    assert html.startswith("<details open><summary>Fixed</summary>")
    assert "<details><summary>Other</summary>" in html
    assert '<input name="what">' in html
