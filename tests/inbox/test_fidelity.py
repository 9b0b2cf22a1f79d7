"""Every client message kept whole (issue 18): one hostile variant per rule of the parser."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
import time_machine

from ownup.inbox.parsing import parse_raw

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HEAD = (b"From: Ellie <ellie@harbour.example>\r\nTo: team@a.example\r\n"
        b"Subject: Test\r\nDate: Mon, 02 Mar 2026 09:00:00 +0000\r\n"
        b"Message-ID: <f1@harbour.example>\r\nMIME-Version: 1.0\r\n")


def mail(body: bytes, ctype: bytes = b"text/plain; charset=utf-8", head: bytes = HEAD,
         extra: bytes = b"") -> bytes:
    return head + extra + b"Content-Type: " + ctype + b"\r\n\r\n" + body


def multipart(*parts: bytes, kind: bytes = b"mixed") -> bytes:
    body = b"".join(b"--b\r\n" + p + b"\r\n" for p in parts) + b"--b--\r\n"
    return mail(body, b"multipart/" + kind + b'; boundary="b"')


PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(range(64)))


def test_every_text_part_is_kept_in_order_around_a_photo():
    raw = multipart(
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nHere is the proof.",
        b"Content-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: inline\r\n\r\n" + PNG,
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nThe price on it is wrong. "
        b"We need a reprint before Friday or we cancel the contract.",
    )
    parsed = parse_raw(raw)
    assert parsed.body_text.index("Here is the proof") < parsed.body_text.index("reprint")
    assert [a.content_type for a in parsed.attachments] == ["image/jpeg"]
    assert parsed.attachments[0].filename == "image-1.jpg"  # no name given: one is made
    assert "cancel the contract" in parsed.new_text


def test_alternative_gives_one_version_and_html_pieces_are_read():
    html_only = multipart(
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>First half</p>",
        b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n" + PNG,
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>second half</p>",
    )
    parsed = parse_raw(html_only)
    assert "First half" in parsed.body_text and "second half" in parsed.body_text
    alt = multipart(b"Content-Type: text/plain\r\n\r\nPlain words",
                    b"Content-Type: text/html\r\n\r\n<p>Plain words</p>", kind=b"alternative")
    assert parse_raw(alt).body_text == "Plain words"


def test_forwarded_message_is_kept_and_its_text_readable():
    inner = (b"From: Angry <angry@else.example>\r\nSubject: =?UTF-8?Q?Beschwerde_=C3=BCber?= "
             b"Preise\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nYour ad is offensive.")
    raw = multipart(b"Content-Type: text/plain\r\n\r\nSee below, please handle.",
                    b"Content-Type: message/rfc822\r\n\r\n" + inner)
    parsed = parse_raw(raw)
    assert parsed.attachments[0].filename == "Beschwerde über Preise.eml"
    assert b"Your ad is offensive." in parsed.attachments[0].data
    assert "Your ad is offensive." in parsed.body_text
    assert "From: Angry <angry@else.example>" in parsed.body_text
    # someone else's words: not the client's new words
    assert parsed.new_text == "See below, please handle."


def test_a_single_part_file_is_a_file_not_text():
    data = bytes(range(256)) * 4
    raw = mail(base64.b64encode(data), b"application/octet-stream",
               extra=b"Content-Transfer-Encoding: base64\r\n")
    parsed = parse_raw(raw)
    assert parsed.body_text == ""
    assert [a.data for a in parsed.attachments] == [data]
    assert any("kept as an attachment" in w for w in parsed.warnings)


@pytest.mark.parametrize(("header", "expected"), [
    (b'attachment; filename="=?UTF-8?Q?Prokuratura_=C5=81=C3=B3d=C5=BA.pdf?="',
     "Prokuratura Łódź.pdf"),
    (b"attachment; filename*=UTF-8''Pr%C3%A9sentation%20finale.pdf", "Présentation finale.pdf"),
    ('attachment; filename="Angebot für Müller.pdf"'.encode(), "Angebot für Müller.pdf"),
    (b'attachment; filename="Gr\xfc\xdfe.txt"', "Grüße.txt"),  # raw Windows-1252
    (b'attachment; filename="../../etc/passwd"', "_.._etc_passwd"),
])
def test_attachment_names_are_decoded(header, expected):
    raw = multipart(b"Content-Type: text/plain\r\n\r\nSee attached.",
                    b"Content-Type: application/pdf\r\nContent-Disposition: " + header
                    + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + PNG)
    assert [a.filename for a in parse_raw(raw).attachments] == [expected]


@pytest.mark.parametrize(("body", "charset", "expected", "warning"), [
    ("Caf\u00e9 cr\u00e8me \u2013 \u201cprice\u201d".encode("cp1252"), b"utf-8",
     "Café crème – “price”", "read as Windows-1252"),
    ("Caf\u00e9 \u2013 wrong".encode("cp1252"), b"us-ascii", "Café – wrong",
     "read as Windows-1252"),
    ("Grüße aus Köln, der Preis ist falsch".encode("latin-1"), None,
     "Grüße aus Köln, der Preis ist falsch", "read as Windows-1252"),
    ("价格错误，请立即修改网站上的价格。谢谢！今天必须完成".encode("gbk"), b"gb2312",
     "价格错误，请立即修改网站上的价格。谢谢！今天必须完成", None),
    ("価格が間違っています。至急修正してください。本日中にお願いします。".encode("shift_jis"), None,
     "価格が間違っています。至急修正してください。本日中にお願いします。", "(detected)"),
    ("Préférence".encode(), b"iso-8859-1", "Préférence", "the bytes are UTF-8"),
])
def test_body_charset_fallback_names_the_reading(body, charset, expected, warning):
    ctype = b"text/plain" + (b"; charset=" + charset if charset else b"")
    parsed = parse_raw(mail(body, ctype))
    assert parsed.body_text == expected
    assert "\ufffd" not in parsed.body_text
    if warning:
        assert any(warning in w for w in parsed.warnings), parsed.warnings
    else:
        assert not [w for w in parsed.warnings if "read as" in w]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("date", [
    b"Fri, 31 Dec 9999 23:59:59 -1200",  # overflows when made UTC
    b"Fri, 31 Dec 9999 10:00:00 +0000",
    b"Mon, 01 Jan 0001 10:00:00 +0000",
    b"Tue, 02 Mar 3609 10:00:00 +0000",
    b"Sat, 01 Jan 1972 10:00:00 +0000",
])
def test_dates_out_of_bounds_become_the_arrival_time(date):
    head = HEAD.replace(b"Date: Mon, 02 Mar 2026 09:00:00 +0000", b"Date: " + date)
    received = b"Received: from mx by a.example; Mon, 2 Mar 2026 11:59:00 +0000\r\n"
    parsed = parse_raw(mail(b"Hello", head=received + head))
    assert parsed.sent_at == datetime(2026, 3, 2, 11, 59, tzinfo=UTC)
    assert any("arrival time" in w for w in parsed.warnings), parsed.warnings
    without = parse_raw(mail(b"Hello", head=head))
    assert without.sent_at is None  # the import time, with a warning, at ingest
    assert any("Date" in w for w in without.warnings)


@time_machine.travel(NOW, tick=False)
def test_a_sane_date_is_kept():
    assert parse_raw(mail(b"Hello")).sent_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_nul_bytes_leave_sender_and_message_id():
    head = (b"From: Ellie <ellie@harbour\x00.example>\r\nSubject: x\r\n"
            b"Message-ID: <a\x00b@harbour.example>\r\n")
    parsed = parse_raw(mail(b"Hi", head=head))
    assert parsed.sender == "ellie@harbour.example"
    assert parsed.message_id == "<ab@harbour.example>"


def test_recipients_are_cut_with_a_warning():
    to = b", ".join(b"p%d@many.example" % i for i in range(250))
    parsed = parse_raw(mail(b"Hi", extra=b"Cc: " + to + b"\r\n"))
    assert len(parsed.recipients) == 100
    assert any("251 recipients; the first 100" in w for w in parsed.warnings)


def test_a_junk_header_line_does_not_hide_the_from():
    raw = (b"Subject: Launch\r\nthis line is junk\r\nFrom: Ellie <ellie@harbour.example>\r\n"
           b"Message-ID: <j1@harbour.example>\r\n\r\nThe body.")
    parsed = parse_raw(raw)
    assert parsed.sender == "ellie@harbour.example"
    assert parsed.message_id == "<j1@harbour.example>"
    assert parsed.body_text == "The body."
    assert any("this line is junk" in w for w in parsed.warnings)
    # without a blank line, what follows the last header is the body, not junk
    no_blank = parse_raw(b"From: ellie@harbour.example\r\nSubject: x\r\nHello there\r\n")
    assert no_blank.sender == "ellie@harbour.example"


@pytest.mark.parametrize(("subject", "expected"), [
    (b"Re: =?UTF-8?Q?Pr=C3=A9sentation?= finale", "Re: Présentation finale"),
    (b"Urgent =?UTF-8?B?w6ljaGVj?= =?UTF-8?B?IGRlIGxh?= page", "Urgent échec de la page"),
    (b"=?iso-8859-1?Q?Gr=FC=DFe?= aus =?utf-8?Q?K=C3=B6ln?=", "Grüße aus Köln"),
])
def test_no_space_is_lost_around_encoded_words(subject, expected):
    head = HEAD.replace(b"Subject: Test", b"Subject: " + subject)
    assert parse_raw(mail(b"x", head=head)).subject == expected
