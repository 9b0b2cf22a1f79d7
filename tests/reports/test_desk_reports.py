"""Charts a demanding reader can read: a visible title, axis names that never run into each
other; the review's quarter picker starts at the current quarter."""

import re

import pytest

from ownup.core import charts

LONG = [("Harbour Coffee Company Limited", 0.9), ("Lumen Motors of North America", 0.8),
        ("Northlight Studio & Partners", 0.7)] * 10


def _labels(svg: str) -> list[str]:
    return re.findall(r'font-size="11">([^<]*)<title>', svg)


def test_bar_chart_has_a_visible_title():
    html = charts.bar_chart([("Jan", 1), ("Feb", 2)], title="Incidents by month")
    assert '<figcaption class="chart-title">Incidents by month</figcaption>' in html


def test_long_names_are_cut_to_their_slot_and_kept_whole_in_the_tooltip():
    html = charts.bar_chart(LONG, title="On time by client", max_value=1)
    shown = _labels(html)
    assert shown and all(len(s) * charts.CHAR_WIDTH <= 480 for s in shown)
    # Each drawn label fits the room between its neighbours: no overlap.
    xs = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="\d+" text-anchor="middle" '
                                       r'font-size="11">', html)]
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert all(len(s) * charts.CHAR_WIDTH <= min(gaps) for s in shown)
    assert any(s.endswith("…") for s in shown)
    assert "<title>Harbour Coffee Company Limited</title>" in html
    assert "<th scope=\"row\">Harbour Coffee Company Limited</th>" in html


def test_fit_label():
    assert charts.fit_label("Acme", 100) == "Acme"
    assert charts.fit_label("Harbour Coffee Company", 40) == "Harbo…"  # 6 fit in 40


@pytest.mark.django_db
def test_review_picker_starts_at_the_current_quarter(owner_web, client_a):
    from django.utils import timezone

    from ownup.reports.review import quarter_of

    year, q = quarter_of(timezone.now().date())
    html = owner_web.get(f"/reports/clients/{client_a.pk}/").content.decode()
    picker = html.split('id="rv-q"', 1)[1].split("</select>", 1)[0]
    assert re.search(rf'<option value="{year}-Q{q}" selected>', picker)
