"""Real mail nobody on the project wrote (../shared/corpora/mail, read as it is): every message
stored or quarantined with a reason naming the problem, files kept with decoded names, and a
second import adds nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ownup.cli import main
from ownup.inbox.models import Attachment, Message, Quarantine, RawMessage

_REPO = Path(__file__).resolve().parents[2]
# beside the repository (CI, /work/main), or beside the folder of worktrees
CORPORA = next((base / "shared" / "corpora" / "mail" for base in (_REPO.parent,
                _REPO.parent.parent) if (base / "shared" / "corpora" / "mail").is_dir()),
               _REPO.parent / "shared" / "corpora" / "mail")
MIKEL = CORPORA / "mikel-mail"
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not MIKEL.is_dir(), reason="the shared mail corpora are not here"),
]


def _counts(out: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(\w+): (\d+)", out)}


def test_the_mail_gem_corpus_imports_whole_and_again_adds_nothing(ws_a, client_a, capsys,
                                                                   monkeypatch):
    files = sorted(p for p in MIKEL.rglob("*.eml"))
    assert len(files) >= 100
    assert main(["import-mail", str(MIKEL), "--quiet"]) == 0
    counts = _counts(capsys.readouterr().out)
    assert counts["read"] == len(files)
    assert counts["imported"] + counts["unmatched"] + counts["duplicates"] + counts[
        "quarantined"] == len(files)
    stored = Message.objects.count()
    assert stored == counts["imported"] + counts["unmatched"]
    # only the message with no From at all is held, with a reason naming that
    assert counts["quarantined"] == Quarantine.objects.count() == 1
    assert "sender" in Quarantine.objects.get().reason
    # a duplicate is the same Message-ID with the same content; the rest are kept apart
    assert counts["duplicates"] <= 20
    # every stored message keeps its raw source, compressed
    assert not Message.objects.filter(raw_sha256="").exists()
    assert RawMessage.objects.count() == Message.objects.values("raw_sha256").distinct().count()
    # names decoded (RFC 2047 B and Q, RFC 2231, raw 8-bit), forwarded messages kept as files
    names = set(Attachment.objects.values_list("filename", flat=True))
    for expected in ("てすと.txt", "ciële.txt", "Eelanalüüsi päring.jpg", "This is a test.pdf",
                     "かきくけこかきくけこかきくけこかきくけこかきくけこ.txt", "Testmail.eml"):
        assert expected in names
    assert not [n for n in names if "\ufffd" in n or "=?" in n]
    # bodies decoded without replacement characters where the bytes allow it
    for msg in Message.objects.all():
        if "\ufffd" in msg.body_text:
            raw = RawMessage.objects.get(sha256=msg.raw_sha256).raw()
            assert b"\xef\xbf\xbd" in raw, msg.subject  # the sender's own U+FFFD
    japanese = Message.objects.filter(subject="まみむめも")  # UTF-8 and ISO-2022-JP
    assert japanese.count() == 2 and all(m.body_text.strip() for m in japanese)
    held = Quarantine.objects.count()
    import ownup.inbox.parsing as parsing

    parses = []
    real = parsing.parse_or_reason
    monkeypatch.setattr(parsing, "parse_or_reason", lambda raw: parses.append(1) or real(raw))
    assert main(["import-mail", str(MIKEL), "--quiet"]) == 0
    # what is stored byte for byte is a duplicate without being parsed again
    import hashlib

    stored_raws = set(Message.objects.values_list("raw_sha256", flat=True))
    unknown = [f for f in files if hashlib.sha256(f.read_bytes()).hexdigest() not in stored_raws]
    assert len(parses) == len(unknown) < counts["quarantined"] + counts["duplicates"] + 1
    again = _counts(capsys.readouterr().out)
    assert again["imported"] == again["unmatched"] == 0
    assert Message.objects.count() == stored and Quarantine.objects.count() == held


REPLIES = CORPORA / "email-reply-parser"
# What the peer (email_reply_parser) expects of each reply: words that are the sender's new
# words, and words that are quoted history or signature.
EXPECT = {
    "email_1_2.txt": (["Hi,", "You can list the keys for the bucket"],
                      ["Is there a way to clear a bucket"]),
    "email_1_3.txt": (["Oh thanks.", "Having the function would be great."],
                      ["Abhishek Kona", "riak-users mailing list"]),
    "email_1_4.txt": (["Awesome! I haven't had another problem with it."], ["defunkt"]),
    "email_1_5.txt": (["- This is the fourth bullet point", "It goes on and on"], []),
    "email_1_6.txt": (["I get proper rendering as well."], ["Was this caching related"]),
    "email_1_8.txt": (["I will reply under this one", "and under this."],
                      ["okay?", "Hey there, this is my signature"]),
    "email_2_1.txt": (["Outlook with a reply"], ["Google Apps Sync"]),
    "email_2_2.txt": (["Outlook with a reply directly above line"], ["CRM Comments"]),
    "email_BlackBerry.txt": (["Here is another email"], ["Sent from my BlackBerry"]),
    "email_iPhone.txt": (["Here is another email"], ["Sent from my iPhone"]),
    "email_bullets.txt": (["- how about bullets", "- and another"], ["examples@email"]),
    "email_sent_from_my_not_signature.txt": (["Sent from my desk, is much easier"], []),
    "email_sig_delimiter_in_middle_of_line.txt": (["this is not a signature", "kthxbai"], []),
    "correct_sig.txt": (["this is an email with a correct -- signature."], ["rick"]),
    "greedy_on.txt": (["On your remote host you can run:", "the tunnel is not working"],
                      ["George Plymale"]),
    "pathological.txt": (["I think you're onto something."], ["John Sullivan"]),
    "email_one_is_not_on.txt": (["Locally (on development), when I run..."], ["Dave Tapley"]),
}


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_new_words_apart_from_quotes_and_signatures(name):
    from ownup.inbox.parsing import parse_raw

    body = (REPLIES / name).read_bytes()
    raw = (b"From: Ellie <ellie@harbour.example>\nSubject: Re: x\n"
           b"Content-Type: text/plain; charset=utf-8\n\n" + body)
    new = parse_raw(raw).new_text
    keep, drop = EXPECT[name]
    for words in keep:
        assert words in new, (name, new)
    for words in drop:
        assert words not in new, (name, new)
