"""`ownup import-mail PATH`: import an .eml file, a folder of .eml files, an mbox or a Maildir.

Every message read ends up in exactly one count: imported (matched to a client), duplicate
(its Message-ID is already stored), unmatched (stored, sender not a known client) or
quarantined (kept raw with the reason it could not be stored). Messages are committed in
batches; an interrupted import can simply be run again (duplicates are skipped).
"""

from __future__ import annotations

import argparse
import mailbox
import multiprocessing
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from . import UserError, setup_django
from .users import add_workspace_arg, resolve_workspace

PROGRESS_EVERY = 1000  # lines written when stderr is not a terminal
BATCH = 200  # messages per transaction
PARALLEL_FROM = 1000  # messages: below this, starting a parse process costs more than it saves


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-mail",
        help="import mail (.eml, a folder of .eml, mbox or Maildir) into the inbox",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("path", metavar="PATH",
                        help=".eml file, folder of .eml files, mbox file or Maildir directory")
    parser.add_argument(
        "--direction",
        choices=("inbound", "outbound"),
        default="inbound",
        help="mail received from clients (default) or sent by the agency",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress output")
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes that parse mail while this one stores it (default: 1 for imports "
        f"of {PARALLEL_FROM:,}+ messages on a machine with 2+ CPUs, else 0)",
    )
    add_workspace_arg(parser)
    parser.set_defaults(func=run)


class Source:
    """The messages at a path and how many there are (when cheap to know)."""

    def __init__(self, path: Path):
        self.path = path
        self.box = None
        self.files: list[Path] | None = None
        self.skipped: list[Path] = []  # files in a folder that are not .eml: not read
        if path.is_dir():
            if (path / "cur").is_dir() or (path / "new").is_dir():
                self.box = mailbox.Maildir(str(path), factory=None, create=False)
                self.kind = "Maildir"
                return
            # A folder of .eml files (what Outlook and many exports give), subfolders too.
            found = sorted(p for p in path.rglob("*") if p.is_file())
            self.files = [p for p in found if p.suffix.lower() == ".eml"]
            self.skipped = [p.relative_to(path) for p in found if p.suffix.lower() != ".eml"]
            if not self.files:
                raise UserError(f"{path} is a directory with no .eml files and not a Maildir "
                                "(no cur/ or new/)")
            self.kind = "folder"
            return
        try:
            with open(path, "rb") as fh:
                head = fh.read(5)
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
        if head == b"From ":
            self.box = mailbox.mbox(str(path), factory=None, create=False)
            self.kind = "mbox"
        else:
            self.kind = "eml"

    def keys(self) -> list:
        if self.files is not None:
            return list(self.files)
        return list(self.box.iterkeys()) if self.box is not None else [None]

    def read(self, keys) -> Iterator[bytes]:
        if self.files is not None:
            for key in keys:
                try:
                    yield key.read_bytes()
                except OSError:  # removed or unreadable meanwhile
                    continue
            return
        if self.box is None:
            yield self.path.read_bytes()
            return
        for key in keys:
            try:
                yield self.box.get_bytes(key)
            except (OSError, KeyError):  # removed while importing (a live Maildir)
                continue


def read_messages(path: Path) -> Iterator[bytes]:
    """Raw bytes of each message at ``path``: a Maildir, an mbox, or one .eml file."""
    source = Source(path)
    yield from source.read(source.keys())


class Progress:
    """A one-line text progress bar on a terminal; occasional lines otherwise."""

    WIDTH = 30

    def __init__(self, total: int, stream, enabled: bool = True):
        self.total, self.stream, self.enabled = total, stream, enabled
        self.tty = enabled and stream.isatty()
        self.started = self.last = time.monotonic()
        self.reported = 0

    def update(self, done: int, counts: Counter) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self.tty:
            if now - self.last < 0.1 and done != self.total:
                return
            self.last = now
            share = done / self.total if self.total else 1.0
            filled = int(self.WIDTH * share)
            rate = done / max(now - self.started, 1e-6)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(
                f"\r[{bar}] {done}/{self.total} {share:6.1%}  {rate:,.0f} msg/s  "
                f"quarantined {counts['quarantined']}"
            )
            self.stream.flush()
        elif done // PROGRESS_EVERY > self.reported // PROGRESS_EVERY:  # whatever the batch
            self.reported = done
            print(f"import-mail: {done}/{self.total} messages read", file=self.stream,
                  flush=True)

    def finish(self, done: int) -> None:
        if not self.enabled:
            return
        seconds = time.monotonic() - self.started
        if self.tty:
            self.stream.write("\n")
        rate = done / seconds if seconds > 0 else 0.0
        print(f"import-mail: {done} messages read in {seconds:.1f} s ({rate:,.0f} msg/s), done",
              file=self.stream, flush=True)


def _batches(items: Iterator[bytes], size: int) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parsed(batches: Iterator[list[bytes]], jobs: int,
            known=None) -> Iterator[tuple[list[bytes], list]]:
    """Each batch with its messages parsed (``parse_or_reason``). With ``jobs`` worker
    processes, the next batch is parsed while the caller stores this one (parsing is a third
    of the work); only two batches are ever held in memory. ``known(batch)``: which messages
    are stored already byte for byte; those are not parsed (a re-import costs little)."""
    from ownup.inbox.ingest import ALREADY_STORED
    from ownup.inbox.parsing import parse_or_reason

    def todo(batch):
        flags = known(batch) if known is not None else [False] * len(batch)
        return flags, [raw for raw, flag in zip(batch, flags, strict=True) if not flag]

    def merged(flags, results):
        results = iter(results)
        return [ALREADY_STORED if flag else next(results) for flag in flags]

    if jobs < 1:
        for batch in batches:
            flags, raws = todo(batch)
            yield batch, merged(flags, [parse_or_reason(raw) for raw in raws])
        return
    # spawn: the workers share nothing with this process (no database connection).
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        ahead = None
        for batch in batches:
            flags, raws = todo(batch)
            job = pool.map_async(parse_or_reason, raws, chunksize=max(1, -(-len(raws) // jobs)))
            if ahead is not None:
                yield ahead[0], merged(ahead[1], ahead[2].get())
            ahead = (batch, flags, job)
        if ahead is not None:
            yield ahead[0], merged(ahead[1], ahead[2].get())


def _jobs(requested: int | None, messages: int) -> int:
    if requested is not None:
        if requested < 0:
            raise UserError("--jobs must be 0 or more")
        return requested
    return 1 if (os.cpu_count() or 1) > 1 and messages >= PARALLEL_FROM else 0


def run(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise UserError(f"no such file or directory: {path}")
    source = Source(path)
    keys = source.keys()
    jobs = _jobs(args.jobs, len(keys))
    setup_django()
    from django.db import transaction

    from ownup.inbox.ingest import (
        ANALYZE_AFTER,
        OUTCOMES,
        messages_ingest,
        raws_known,
        statistics_refresh,
    )
    from ownup.inbox.matching import import_run

    workspace = resolve_workspace(args.workspace)
    progress = Progress(len(keys), sys.stderr, enabled=not args.quiet)
    counts: Counter[str] = Counter()
    read = 0
    with import_run(workspace):
        def known(batch):
            return raws_known(workspace, batch)

        for batch, parsed in _parsed(_batches(source.read(keys), BATCH), jobs, known):
            with transaction.atomic():  # one commit per batch (fsync dominates otherwise)
                counts.update(messages_ingest(workspace, batch, args.direction, parsed))
            read += len(batch)
            progress.update(read, counts)
    if read >= ANALYZE_AFTER:
        statistics_refresh()  # the planner learns what the import changed
    progress.finish(read)
    labels = {"duplicate": "duplicates"}
    print(", ".join(f"{labels.get(o, o)}: {counts[o]}" for o in OUTCOMES) + f" (read: {read})")
    if source.skipped:
        print(skipped_note(source.skipped))
    return 0


def skipped_note(skipped: list[Path], shown: int = 10) -> str:
    """One line naming the files of a folder that were not read (not ``.eml``)."""
    names = ", ".join(str(p) for p in skipped[:shown])
    more = f" and {len(skipped) - shown} more" if len(skipped) > shown else ""
    files = "file that is" if len(skipped) == 1 else "files that are"
    return f"skipped {len(skipped)} {files} not .eml ({names}{more})"
