"""`ownup import-mail PATH`: import an .eml file, an mbox or a Maildir into the inbox.

Every message read ends up in exactly one count: imported (matched to a client), duplicate
(its Message-ID is already stored), unmatched (stored, sender not a known client) or
quarantined (kept raw with the reason it could not be stored).
"""

from __future__ import annotations

import argparse
import mailbox
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_workspace

PROGRESS_EVERY = 200


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-mail",
        help="import mail (.eml, mbox or Maildir) into the inbox",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("path", metavar="PATH", help=".eml file, mbox file or Maildir directory")
    parser.add_argument(
        "--direction",
        choices=("inbound", "outbound"),
        default="inbound",
        help="mail received from clients (default) or sent by the agency",
    )
    add_workspace_arg(parser)
    parser.set_defaults(func=run)


def read_messages(path: Path) -> Iterator[bytes]:
    """Raw bytes of each message at ``path``: a Maildir, an mbox, or one .eml file."""
    if path.is_dir():
        if not (path / "cur").is_dir() and not (path / "new").is_dir():
            raise UserError(f"{path} is a directory but not a Maildir (no cur/ or new/)")
        box = mailbox.Maildir(str(path), factory=None, create=False)
        for key in box.iterkeys():
            yield box.get_bytes(key)
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(5)
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head == b"From ":
        box = mailbox.mbox(str(path), factory=None, create=False)
        for key in box.iterkeys():
            yield box.get_bytes(key)
        return
    yield path.read_bytes()


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise UserError(f"no such file or directory: {path}")
    setup_django()
    from ownup.inbox.services import OUTCOMES, message_ingest

    workspace = resolve_workspace(args.workspace)
    counts: Counter[str] = Counter()
    read = 0
    for raw in read_messages(path):
        read += 1
        counts[message_ingest(workspace, raw, direction=args.direction)] += 1
        if read % PROGRESS_EVERY == 0:
            print(f"import-mail: {read} messages read", file=sys.stderr, flush=True)
    print(f"import-mail: {read} messages read, done", file=sys.stderr)
    labels = {"duplicate": "duplicates"}
    print(", ".join(f"{labels.get(o, o)}: {counts[o]}" for o in OUTCOMES) + f" (read: {read})")
    return 0
