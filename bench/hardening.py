"""Every figure of "Trust at scale" (security, isolation, faults, backups, scale-out, load),
measured in one run.

Usage:
  make measure                                   # = .venv/bin/python bench/hardening.py
  .venv/bin/python bench/hardening.py --quick    # shorter load and ingest runs (a smoke test)
  .venv/bin/python bench/hardening.py --skip-load --skip-ingest

What it runs, in order, and what it reports:
1. The trust tests on SQLite and on PostgreSQL, by group (security: the isolation and CSRF
   walks, schemathesis over the whole API, hostile HTML and CSP in Chromium,
   ``check --deploy``, sign-in lockout, single-use reset links, hashed tokens, secrets
   encrypted at rest, the audit log; faults: database away during IMAP polling, import-mail
   and the API, SMTP down, a worker killed mid-batch, disk full, malformed mail; backups; the
   two-web two-worker scale-out flow): passed / failed / skipped per group and database, and
   the walks' own figures (pages, API operations, CSRF posts) from the JUnit report.
2. Dependencies: how many pinned packages carry hashes in requirements.lock, and pip-audit
   against PyPI's vulnerability data (reported as blocked, with the reason, when the machine
   cannot reach a vulnerability service).
3. Ingest: bench/ingest.py, import-mail into SQLite (the messages issue's benchmark).
4. Load: bench/load.py against PostgreSQL with 1,000,000 messages, 500 clients and 50 people
   (generated afresh, ~75 s): 50 users alone, then 50 users while 20,000 new messages are
   imported.
The summary is printed and written to var/measure/hardening.md and hardening.json.
Exit status 1 when any trust test fails (a figure that is merely slow is reported, not fatal).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")

GROUPS: dict[str, list[str]] = {
    "security": [
        "tests/security/test_isolation.py",
        "tests/security/test_api_fuzz.py",
        "tests/browser/test_hostile_html_browser.py",
        "tests/browser/test_csp_browser.py",
        "tests/test_deploy_settings.py",
        "tests/audit/test_audit.py",
        "tests/web/test_shell.py::test_password_reset_goes_through_outbox_and_link_works_once",
        "tests/web/test_shell.py::test_settings_profile_and_tokens",
        "tests/mailboxes/test_mailbox_web_api.py::test_password_is_encrypted_at_rest",
        "tests/notify/test_services.py",
    ],
    "faults": [
        "tests/mailboxes/test_poll_imap.py::test_database_away_leaves_the_mail_for_the_next_poll",
        "tests/mailboxes/test_poll_imap.py::test_failure_mid_batch_leaves_the_rest_for_next_poll",
        "tests/inbox/test_import_cli.py::"
        "test_database_away_is_one_line_and_nothing_is_quarantined",
        "tests/inbox/test_inbox_api.py::"
        "test_database_away_is_503_with_retry_after_and_nothing_changes",
        "tests/web/test_shell.py::test_healthz_503_when_database_fails",
        "tests/worker/test_outbox.py",
        "tests/worker/test_concurrency.py",
        "tests/inbox/test_attachments.py::test_disk_full_quarantines_the_whole_message",
        "tests/inbox/test_batch_ingest.py",
        "tests/inbox/test_malformed.py",
    ],
    "backups": ["tests/test_backup.py"],
    "scale-out": ["tests/deploy/test_scale_out.py"],
}


def _group_of(file: str, name: str) -> str | None:
    for group, nodes in GROUPS.items():
        for node in nodes:
            if node == file or node == f"{file}::{name.split('[', 1)[0]}":
                return group
    return None


def run_tests(db: str) -> dict:
    """One pytest run over every group on ``db``; counts per group and the walks' figures."""
    env = dict(os.environ)
    if db == "postgres":
        env["DATABASE_URL"] = f"{PG}/hardening"
    else:
        env.pop("DATABASE_URL", None)
    report = Path(tempfile.mkdtemp(prefix="ownup-hardening-")) / "junit.xml"
    nodes = [n for nodes in GROUPS.values() for n in nodes]
    t0 = time.perf_counter()
    done = subprocess.run([PY, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           f"--junitxml={report}", *nodes], env=env, cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    groups = {g: {"passed": 0, "failed": 0, "skipped": 0} for g in GROUPS}
    figures: dict[str, str] = {}
    failures: list[str] = []
    if not report.exists():
        raise SystemExit(f"pytest on {db} wrote no report:\n{done.stdout[-2000:]}")
    for case in ET.parse(report).getroot().iter("testcase"):
        file = case.get("classname", "").replace(".", "/") + ".py"
        name = case.get("name", "")
        group = _group_of(file, name)
        if group is None:
            continue
        if case.find("failure") is not None or case.find("error") is not None:
            groups[group]["failed"] += 1
            failures.append(f"{file}::{name}")
        elif case.find("skipped") is not None:
            groups[group]["skipped"] += 1
        else:
            groups[group]["passed"] += 1
        for prop in case.iter("property"):
            figures[prop.get("name")] = prop.get("value")
    return {"groups": groups, "figures": figures, "failures": failures,
            "seconds": round(seconds, 1), "exit": done.returncode}


def dependencies() -> dict:
    lock = (ROOT / "requirements.lock").read_text()
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==", lock, flags=re.M)
    unhashed = [block.split("==")[0] for block in re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", lock)
                if "==" in block and "--hash=sha256:" not in block]
    audit = subprocess.run(["make", "-s", "audit"], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    text = (audit.stdout + audit.stderr).strip()
    # pip-audit exits 0 even when it could look nothing up: count what it really audited.
    unaudited = len(re.findall(r"could not be audited", text))
    audited = len(pins) - unaudited
    if re.search(r"(?i)Found \d+ known vulnerabilit", text):
        verdict = "vulnerabilities found"
    elif audit.returncode == 0 and audited > 0:
        verdict = f"no known vulnerabilities ({audited} packages audited)"
    else:
        verdict = "blocked"
    output = ([f"{unaudited} of {len(pins)} packages could not be looked up "
               f"(\"Dependency not found on PyPI\")"] if unaudited else text.splitlines()[-3:])
    return {"pinned": len(pins), "without_hash": unhashed, "pip_audit": verdict,
            "audited": max(audited, 0), "pip_audit_output": output}


def ingest(quick: bool) -> dict:
    n = 10_000 if quick else 50_000
    done = subprocess.run([PY, "bench/ingest.py", "--skip-query", "--db", "sqlite",
                           "--messages", str(n)], cwd=ROOT, capture_output=True, text=True)
    m = re.search(r"first import\s+(\d+) msgs in\s+([\d.]+) s wall =\s+([\d,]+) msg/s", done.stdout)
    if not m:
        return {"error": done.stdout[-500:] + done.stderr[-500:]}
    return {"messages": int(m[1]), "seconds": float(m[2]), "rate": int(m[3].replace(",", ""))}


def load(quick: bool, ingest_messages: int, fresh: bool) -> dict:
    """One bench/load.py run; ``fresh`` regenerates the data set first (~75 s), so that
    imports made by earlier runs do not change what is measured."""
    env = dict(os.environ, DATABASE_URL=f"{PG}/ownup_bench_load")
    seconds = "20" if quick else "60"
    cmd = [PY, "bench/load.py", "--seconds", seconds, "--threads", "4",
           "--ingest", str(ingest_messages), "--phases", "during" if ingest_messages else "fresh",
           *([] if fresh else ["--keep"])]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    out = done.stdout
    pages = {name: {"n": int(n), "p50": int(p50), "p95": int(p95), "p99": int(p99)}
             for name, n, p50, p95, p99 in re.findall(
                 r"^\s+(\w+)\s+n=\s*(\d+)\s+p50\s+(\d+) ms\s+p95\s+(\d+) ms\s+p99\s+(\d+) ms",
                 out, flags=re.M)}
    head = re.search(r"(\d+) requests \(([\d.]+)/s\), (\d+) errors", out)
    imp = re.search(r"import-mail while browsing: (\d+) messages in ([\d.]+) s = ([\d,]+) msg/s"
                    r".*?(imported: .*?\))", out)
    result = {"command": " ".join(["DATABASE_URL=…/ownup_bench_load", *cmd[1:]]),
              "pages": pages}
    if head:
        result.update(requests=int(head[1]), per_second=float(head[2]), errors=int(head[3]))
    if imp:
        result["import"] = {"messages": int(imp[1]), "seconds": float(imp[2]),
                            "rate": int(imp[3].replace(",", "")), "counts": imp[4]}
    if not pages:
        result["error"] = (out + done.stderr)[-800:]
    return result


def _markdown(r: dict) -> str:
    lines = [f"# Hardening figures, {r['when']}", ""]
    lines += ["| trust tests | " + " | ".join(f"{db}" for db in r["tests"]) + " |",
              "|---|" + "---:|" * len(r["tests"])]
    for group in GROUPS:
        cells = []
        for res in r["tests"].values():
            g = res["groups"][group]
            cell = f"{g['passed']} passed"
            if g["failed"]:
                cell += f", **{g['failed']} failed**"
            if g["skipped"]:
                cell += f", {g['skipped']} skipped"
            cells.append(cell)
        lines.append(f"| {group} | " + " | ".join(cells) + " |")
    lines.append("")
    for db, res in r["tests"].items():
        f = res["figures"]
        if f:
            lines.append(f"- {db} walks: " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                                        for k, v in sorted(f.items())))
        for failure in res["failures"]:
            lines.append(f"- {db} FAILED: {failure}")
    d = r.get("dependencies")
    if d:
        lines.append(f"- dependencies: {d['pinned']} pinned in requirements.lock, "
                     f"{len(d['without_hash'])} without a hash; pip-audit: {d['pip_audit']}"
                     + (f" ({' / '.join(d['pip_audit_output'])})" if d["pip_audit"] == "blocked"
                        else ""))
    i = r.get("ingest")
    if i and "rate" in i:
        lines.append(f"- ingest (import-mail, SQLite): {i['messages']:,} messages in "
                     f"{i['seconds']} s = **{i['rate']:,} msg/s** (target 1,000)")
    for label, key in (("load, 50 users", "load"), ("load, 50 users + import", "load_ingest")):
        ld = r.get(key)
        if not ld:
            continue
        if "error" in ld:
            lines.append(f"- {label}: error {ld['error'][-200:]!r}")
            continue
        worst = max(p["p95"] for p in ld["pages"].values())
        pages = ", ".join(f"{n} p95 {p['p95']} ms" for n, p in ld["pages"].items())
        lines.append(f"- {label}: {ld.get('per_second', 0)} req/s, {ld.get('errors', '?')} "
                     f"errors; {pages} — target p95 < 200 ms: "
                     f"{'met' if worst < 200 and not ld.get('errors') else 'NOT met'}")
        if "import" in ld:
            im = ld["import"]
            lines.append(f"  - import while browsing: {im['messages']:,} messages in "
                         f"{im['seconds']} s = {im['rate']:,} msg/s ({im['counts']})")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-tests", action="store_true")
    ap.add_argument("--skip-load", action="store_true")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "var" / "measure"))
    args = ap.parse_args()
    r: dict = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
               "machine": f"{os.cpu_count()} cores", "tests": {}}
    if not args.skip_tests:
        for db in ("sqlite", "postgres"):
            print(f"trust tests on {db} …", flush=True)
            r["tests"][db] = run_tests(db)
    print("dependencies …", flush=True)
    r["dependencies"] = dependencies()
    if not args.skip_ingest:
        print("ingest benchmark …", flush=True)
        r["ingest"] = ingest(args.quick)
    if not args.skip_load:
        print("load: 50 users …", flush=True)
        r["load"] = load(args.quick, 0, fresh=True)
        print("load: 50 users while importing …", flush=True)
        r["load_ingest"] = load(args.quick, 5_000 if args.quick else 20_000, fresh=False)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "hardening.json").write_text(json.dumps(r, indent=2))
    text = _markdown(r)
    (out / "hardening.md").write_text(text)
    print("\n" + text)
    failed = any(res["failures"] or res["exit"] not in (0, 5) for res in r["tests"].values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
