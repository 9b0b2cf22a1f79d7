"""Forms keep what was typed: put the values a form was sent with back into the page that
answers it (an error page, or the page a refused form redirects to).

One mechanism for every form, written once here (the middleware in ownup.web calls it): in
the HTML, the forms whose ``action`` (the page's own address when absent) or ``hx-post``
is the address the values were posted to get them back - text-like inputs (repeated names
in order), textareas, checkboxes and radios (checked exactly when sent), single and multiple
selects. Hidden inputs (the server's own, the CSRF token), passwords and files are never
written back.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: Input types that are never filled from the sent values.
NOT_KEPT = {"hidden", "password", "file", "submit", "button", "reset", "image"}
#: Fields never stashed or filled (Django's CSRF token).
SKIP_NAMES = {"csrfmiddlewaretoken"}


class _Tags(HTMLParser):
    """Start and end tags with their offsets in the text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self._line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self._line_starts.append(i + 1)
        self.tags: list[tuple[str, int, int, str, list]] = []  # kind, start, end, tag, attrs
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        text = self.get_starttag_text() or ""
        self.tags.append(("start", start, start + len(text), tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        start = self._offset()
        self.tags.append(("end", start, start, tag, []))


def _path(url: str | None, page_path: str) -> str:
    if not url:
        return page_path
    return urlsplit(url).path or page_path


def _tag(tag: str, attrs: list) -> str:
    parts = [tag]
    for name, value in attrs:
        parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
    return "<" + " ".join(parts) + ">"


def _set(attrs: list, name: str, value: str | None, present: bool = True) -> list:
    out = [(k, v) for k, v in attrs if k != name]
    if present:
        out.append((name, value))
    return out


def _sent_forms(tags, values, posted_to: str, page_path: str) -> tuple[set[int], set[int]]:
    """Offsets of the forms the values were sent from: posting to ``posted_to``, and whose
    hidden fields hold what was sent (two forms to one address, told apart by a hidden
    ``scope``, are not both filled); and of the ``<details>`` around them (opened again, so
    the form and its error are not folded away)."""
    found: set[int] = set()
    around: set[int] = set()
    details: list[int] = []
    current, matches, current_details = None, False, ()
    for kind, start, _end, tag, attrs in tags:
        a = dict(attrs)
        if tag == "details":
            if kind == "start":
                details.append(start)
            elif details:
                details.pop()
            continue
        if tag == "form" and kind == "start":
            current_details = tuple(details)
            hx = a.get("hx-post") or a.get("data-hx-post")
            current = start
            matches = (a.get("method", "").lower() == "post" and _path(
                a.get("action"), page_path) == posted_to) or bool(hx) and _path(
                hx, page_path) == posted_to
        elif tag == "form":
            if current is not None and matches:
                found.add(current)
                around.update(current_details)
            current = None
        elif (current is not None and matches and kind == "start" and tag == "input"
              and (a.get("type") or "").lower() == "hidden" and a.get("name") in values
              and a.get("value", "") not in values[a["name"]]):
            matches = False
    return found, around


def refill(html: str, data, *, posted_to: str, page_path: str) -> str:
    """``html`` with the forms posted to ``posted_to`` showing ``data`` (a QueryDict or a
    dict of lists). ``page_path`` is the address of the page itself (a form without an
    action posts there)."""
    values = {k: list(data.getlist(k)) if hasattr(data, "getlist") else list(v)
              for k, v in (data.lists() if hasattr(data, "lists") else data.items())
              if k not in SKIP_NAMES}
    if not values or "<form" not in html:
        return html
    tags = _Tags(html).tags
    targets, folded = _sent_forms(tags, values, posted_to, page_path)
    edits: list[tuple[int, int, str]] = [
        (start, end, _tag(tag, _set(attrs, "open", None)))
        for kind, start, end, tag, attrs in tags
        if tag == "details" and kind == "start" and start in folded
        and "open" not in dict(attrs)]
    in_form = False
    used: dict[str, int] = {}
    select: tuple[str, bool] | None = None  # name, multiple
    select_seen = 0
    textarea: tuple[str, int] | None = None  # name, content start
    option_open: tuple[int, int, list] | None = None
    for kind, start, end, tag, attrs in tags:
        a = dict(attrs)
        if option_open and tag in ("option", "select", "optgroup"):
            o_start, o_end, o_attrs = option_open  # an option without a value: its text
            if select:
                name, multiple = select
                sent = values[name] if multiple else values[name][select_seen:select_seen + 1]
                new = _set(o_attrs, "selected", None, present=html[o_end:start].strip() in sent)
                if new != o_attrs:
                    edits.append((o_start, o_end, _tag("option", new)))
            option_open = None
        if tag == "form":
            if kind == "start":
                in_form = start in targets
                used = {}
            else:
                in_form = False
            continue
        if not in_form:
            continue
        if kind == "start" and tag == "input":
            name = a.get("name")
            kind_ = (a.get("type") or "text").lower()
            if not name or name not in values and kind_ not in ("checkbox", "radio"):
                continue
            if kind_ in NOT_KEPT or "disabled" in a:
                continue
            if kind_ in ("checkbox", "radio"):
                on = (a.get("value") if a.get("value") is not None else "on") in values.get(
                    name, [])
                new = _set(attrs, "checked", None, present=on)
            else:
                i = used.get(name, 0)
                used[name] = i + 1
                if i >= len(values[name]):
                    continue
                new = _set(attrs, "value", values[name][i])
            if new != attrs:
                edits.append((start, end, _tag(tag, new)))
        elif tag == "select":
            if kind == "start":
                name = a.get("name")
                select = (name, "multiple" in a) if name in values else None
                if select:
                    select_seen = used.get(name, 0)
                    used[name] = select_seen + 1
            else:
                select = None
        elif tag == "option" and kind == "start" and select:
            name, multiple = select
            sent = values[name] if multiple else values[name][select_seen:select_seen + 1]
            value = a.get("value")
            if value is None:
                option_open = (start, end, attrs)  # value is the text: decided at its end
                continue
            on = value in sent
            new = _set(attrs, "selected", None, present=on)
            if new != attrs:
                edits.append((start, end, _tag(tag, new)))
        elif tag == "textarea":
            name = a.get("name")
            if kind == "start" and name in values and "disabled" not in a:
                i = used.get(name, 0)
                used[name] = i + 1
                if i < len(values[name]):
                    textarea = (values[name][i], end)
            elif kind == "end" and textarea:
                text = escape(textarea[0], quote=False)  # a first newline is eaten by HTML
                edits.append((textarea[1], start, "\n" + text if text[:1] == "\n" else text))
                textarea = None
    if not edits:
        return html
    out, last = [], 0
    for start, end, text in sorted(edits):
        out.append(html[last:start])
        out.append(text)
        last = end
    out.append(html[last:])
    return "".join(out)


def stashable(data) -> dict[str, list[str]]:
    """What of a form's sent values may be kept in the session for the next page."""
    return {k: [v for v in vs if isinstance(v, str)] for k, vs in data.lists()
            if k not in SKIP_NAMES and "password" not in k}
