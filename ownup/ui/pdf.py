"""Plain documents (working agreement, call sheets, reviews) as PDF with fpdf2.

The built-in PDF fonts cover Latin-1 only, so typographic punctuation is folded to
its ASCII twin and anything else unprintable becomes "?", rather than failing.
"""

from __future__ import annotations

_FOLD = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'",
                       "\u201c": '"', "\u201d": '"', "\u2026": "...", "\u00a0": " ",
                       "\u2022": "-", "\u2192": "->"})


def _latin1(text: str) -> str:
    return text.translate(_FOLD).encode("latin-1", "replace").decode("latin-1")


def text_pdf(title: str, text: str, *, subtitle: str = "") -> bytes:
    """A one-column PDF: a title, an optional subtitle, then the text's paragraphs."""
    from fpdf import FPDF  # imported when first needed: ~0.3 s off every start-up

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(_latin1(title))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 6, _latin1(subtitle), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for line in text.splitlines():
        if line.strip():
            pdf.multi_cell(0, 6, _latin1(line), new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    return bytes(pdf.output())
