import re
import xml.etree.ElementTree as ET
from datetime import date

from ownup.core import charts

SVG = "{http://www.w3.org/2000/svg}"


def _svg(markup: str) -> ET.Element:
    body = re.search(r"<svg.*?</svg>", markup, re.S).group(0)
    return ET.fromstring(body)


def test_bar_chart_is_accessible_and_scaled():
    out = charts.bar_chart([("Jan", 10), ("Feb", 5), ("Mar", None), ("Apr", 0)],
                           title="Replies <by> month")
    svg = _svg(out)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Replies <by> month"  # escaped in the markup
    assert "&lt;by&gt;" in out and "<by>" not in out
    desc = svg.find(f"{SVG}desc").text
    assert "Jan: 10" in desc and "Mar: no data" in desc
    bars = svg.findall(f"{SVG}rect[@class='bar']")
    assert len(bars) == 3  # None draws nothing
    heights = [float(b.get("height")) for b in bars]
    assert heights[0] == 2 * heights[1] and heights[2] == 0
    assert "<table>" in out and "<th scope=\"row\">Feb</th><td>5</td>" in out


def test_bar_chart_small_value_still_visible_and_empty_ok():
    svg = _svg(charts.bar_chart([("a", 1000), ("b", 1)], title="t"))
    heights = [float(b.get("height")) for b in svg.findall(f"{SVG}rect[@class='bar']")]
    assert heights[1] >= 1.5
    empty = _svg(charts.bar_chart([], title="nothing"))
    assert empty.find(f"{SVG}desc").text == "No data."


def test_line_chart_breaks_at_gaps_and_escapes_names():
    out = charts.line_chart(["Jan", "Feb", "Mar", "Apr"],
                            [("On time & late", [0.5, None, 0.75, 1.0]), ("b", [1, 1, 1, 1])],
                            title="Share", max_value=1)
    svg = _svg(out)
    paths = svg.findall(f"{SVG}path[@class='line']")
    assert len(paths) == 3  # the gap splits the first series in two
    assert paths[0].get("d").count("L") == 0 and paths[1].get("d").count("L") == 1
    assert "On time &amp; late" in out
    # y of 1.0 is the top of the plot, 0.5 halfway
    first = svg.findall(f"{SVG}circle")
    ys = [float(c.get("cy")) for c in first[:3]]
    assert ys[2] < ys[1] < ys[0]


def test_sparkline_single_point_and_values_in_desc():
    svg = _svg(charts.sparkline([3], title="trend"))
    assert svg.find(f"{SVG}path") is not None
    svg = _svg(charts.sparkline([1, None, 4], title="trend"))
    assert svg.find(f"{SVG}desc").text == "1, no data, 4"
    assert _svg(charts.sparkline([], title="x")).find(f"{SVG}path") is None


def test_timeline_positions_events_in_order():
    out = charts.timeline(
        [(date(2026, 7, 1), "Wrong price", "major"), (date(2026, 1, 1), "Typo", "minor")],
        start=date(2026, 1, 1), end=date(2027, 1, 1), title="Incidents",
        categories=["minor", "major"])
    svg = _svg(out)
    events = svg.findall(f"{SVG}circle[@class='event']")
    xs = [float(e.get("cx")) for e in events]
    assert xs[0] == 10 and 300 < xs[1] < 330  # sorted by date; July is about halfway
    assert events[0].get("fill") != events[1].get("fill")
    assert "01 Jan 2026 Typo (minor)" in svg.find(f"{SVG}desc").text
    empty = _svg(charts.timeline([], start=date(2026, 1, 1), end=date(2026, 2, 1), title="x"))
    assert "Nothing between" in empty.find(f"{SVG}desc").text


def test_chart_ids_are_unique_per_content():
    a = charts.bar_chart([("a", 1)], title="t")
    b = charts.bar_chart([("a", 2)], title="t")
    ida = re.search(r'aria-labelledby="([^ ]+)-t', a).group(1)
    idb = re.search(r'aria-labelledby="([^ ]+)-t', b).group(1)
    assert ida != idb
