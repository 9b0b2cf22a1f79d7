"""Benchmark: the memory one large message costs the parser (issue 18: a 25 MB message parses
in bounded memory).

Usage:  .venv/bin/python bench/mail_memory.py [--mb 25]

Builds a message of about --mb megabytes on the wire (a text part, a 2 MB HTML part and a
base64 attachment making up the rest), then parses it with ``ownup.inbox.parsing.parse_raw``
(quote separation and raw compression included) and prints the time, the peak of Python
allocations during the parse (tracemalloc) and the process's peak resident size (getrusage),
each also as a multiple of the message's size.
"""

from __future__ import annotations

import argparse
import base64
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(mb: float) -> bytes:
    html = ("<p>" + "The proofs are attached; the price on page 3 is wrong. " * 20 + "</p>\n")
    html = html * max(1, int(2_000_000 / len(html)))
    text = "Please look at the attached proofs today.\n\n> On Monday Sam wrote:\n> ok\n"
    budget = int(mb * 1_000_000) - len(html) - len(text) - 2_000
    payload = os.urandom(max(0, budget * 3 // 4))
    b64 = base64.encodebytes(payload)
    return (
        b"From: Ellie <ellie@harbour.example>\r\nTo: team@a.example\r\nSubject: Proofs\r\n"
        b"Date: Mon, 02 Nov 2026 14:00:00 +0000\r\nMessage-ID: <big@harbour.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
        b"--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text.encode() +
        b"\r\n--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html.encode() +
        b"\r\n--a--\r\n--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: "
        b"base64\r\nContent-Disposition: attachment; filename=\"proofs.pdf\"\r\n\r\n" + b64 +
        b"\r\n--b--\r\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=25.0)
    args = ap.parse_args()
    from ownup.inbox.parsing import parse_raw

    raw = build(args.mb)
    size = len(raw)
    parse_raw(build(0.05))  # imports and compiled patterns out of the measurement
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.perf_counter()
    parse_raw(raw)  # timed without tracing (tracemalloc slows allocation-heavy code)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    parsed = parse_raw(raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    files = sum(len(a.data) for a in parsed.attachments)
    print(f"message {size / 1e6:.1f} MB (attachment {files / 1e6:.1f} MB decoded): parsed in "
          f"{seconds:.2f} s; Python allocations peak {peak / 1e6:.0f} MB "
          f"({peak / size:.1f}x the message); process peak RSS {rss / 1e6:.0f} MB "
          f"(+{(rss - base_rss) / 1e6:.0f} MB over start-up, the message itself included)")
    print(f"new words: {parsed.new_text!r}; warnings: {parsed.warnings}")


if __name__ == "__main__":
    main()
