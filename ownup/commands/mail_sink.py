"""`ownup mail-sink`: a local SMTP server that prints every mail it receives.

For `make run`: ownup's default EMAIL_URL is smtp://127.0.0.1:1025, so with the sink running
in a second terminal you watch reminders and escalations arrive. Standard library only; it
accepts anything from loopback and stores nothing (``--mbox FILE`` appends each mail)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from email import message_from_bytes, policy

from . import UserError

MAX_MESSAGE = 10 * 1024 * 1024


def register(sub) -> None:
    p = sub.add_parser("mail-sink", help="a local SMTP server that prints the mail it receives")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=1025)
    p.add_argument("--mbox", help="also append every mail to this mbox file")
    p.set_defaults(func=run)


def summary(raw: bytes, rcpts: list[str]) -> str:
    msg = message_from_bytes(raw, policy=policy.default)
    body = msg.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    return (f"--- {datetime.now():%H:%M:%S} mail to {', '.join(rcpts)}\n"
            f"From: {msg['From']}\nSubject: {msg['Subject']}\n\n{text.strip()}\n")


class Session:
    def __init__(self, reader, writer, on_mail):
        self.reader, self.writer, self.on_mail = reader, writer, on_mail
        self.sender, self.rcpts = "", []

    async def reply(self, line: str) -> None:
        self.writer.write(line.encode() + b"\r\n")
        await self.writer.drain()

    async def data(self) -> bytes:
        lines = []
        size = 0
        while True:
            line = await self.reader.readline()
            if not line or line in (b".\r\n", b".\n"):
                break
            size += len(line)
            if size > MAX_MESSAGE:
                raise ValueError("message too large")
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)

    async def run(self) -> None:
        await self.reply("220 ownup mail-sink ready")
        while True:
            line = await self.reader.readline()
            if not line:
                return
            verb = line.decode(errors="replace").strip().split(" ", 1)[0].upper()
            arg = line.decode(errors="replace").strip()[len(verb):].strip()
            if verb == "EHLO":
                await self.reply("250-ownup mail-sink\r\n250-SIZE 10485760\r\n250 8BITMIME")
            elif verb == "HELO":
                await self.reply("250 ownup mail-sink")
            elif verb == "MAIL":
                self.sender, self.rcpts = arg.partition(":")[2].strip(" <>").split(">")[0], []
                await self.reply("250 OK")
            elif verb == "RCPT":
                self.rcpts.append(arg.partition(":")[2].strip(" <>").split(">")[0])
                await self.reply("250 OK")
            elif verb == "DATA":
                await self.reply("354 End data with <CR><LF>.<CR><LF>")
                try:
                    raw = await self.data()
                except ValueError:
                    await self.reply("552 Message too large")
                    continue
                self.on_mail(raw, list(self.rcpts))
                await self.reply("250 OK: printed")
            elif verb in {"RSET", "NOOP"}:
                self.sender, self.rcpts = (self.sender, self.rcpts) if verb == "NOOP" else ("", [])
                await self.reply("250 OK")
            elif verb == "QUIT":
                await self.reply("221 Bye")
                return
            else:
                await self.reply("502 Command not implemented")


async def serve(host: str, port: int, on_mail, ready=None):
    async def handle(reader, writer):
        try:
            await Session(reader, writer, on_mail).run()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port)
    if ready is not None:
        ready(server)
    async with server:
        await server.serve_forever()


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port} is not a TCP port (1-65535)")

    def on_mail(raw: bytes, rcpts: list[str]) -> None:
        print(summary(raw, rcpts), flush=True)
        if args.mbox:
            with open(args.mbox, "ab") as fh:
                fh.write(f"From ownup {datetime.now():%a %b %d %H:%M:%S %Y}\n".encode())
                fh.write(raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From "))
                fh.write(b"\n")

    def ready(server):
        print(f"mail-sink listening on smtp://{args.host}:{args.port}/ (Ctrl-C stops it)",
              flush=True)

    try:
        asyncio.run(serve(args.host, args.port, on_mail, ready))
    except OSError as exc:
        raise UserError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    except KeyboardInterrupt:
        pass
    return 0
