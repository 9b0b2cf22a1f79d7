"""`ownup mail-sink`: Django's SMTP backend talks to it and it prints what arrived."""

import smtplib
import subprocess
import sys
import time

from tests.smtp import free_port


def test_mail_sink_prints_and_stores_mail(tmp_path):
    port = free_port()
    mbox = tmp_path / "mail.mbox"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from ownup.cli import main; raise SystemExit(main())",
         "mail-sink", "--port", str(port), "--mbox", str(mbox)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "listening" in proc.stdout.readline()
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.sendmail("ownup@localhost", ["dan@northlight.example"],
                          "From: ownup@localhost\r\nSubject: Missed acknowledge-by\r\n"
                          "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                          "Harbour is waiting.\r\n..dot line\r\n")
        lines = [proc.stdout.readline() for _ in range(6)]
    finally:
        proc.terminate()
        proc.wait(10)
    out = "".join(lines)
    assert "mail to dan@northlight.example" in out and "Subject: Missed acknowledge-by" in out
    assert "Harbour is waiting." in out and ".dot line" in out
    time.sleep(0.1)
    assert b"Missed acknowledge-by" in mbox.read_bytes()


def test_mail_sink_bad_port():
    from ownup.cli import main

    assert main(["mail-sink", "--port", "0"]) == 2
