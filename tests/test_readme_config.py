"""The README's configuration table names every environment variable the code reads."""

import re
from pathlib import Path

import ownup

PACKAGE = Path(ownup.__file__).parent
README = PACKAGE.parent / "README.md"

#: How the code reads a variable: os.environ.get("X") / os.environ["X"] / getenv("X"), the
#: settings' helpers (_env_bool("X"), _networks("X")), and provider presets (env_… = "X").
READS = re.compile(
    r"""(?:os\.environ(?:\.get)?\s*[\[(]\s*|getenv\(\s*|_env_\w+\(\s*|_networks\(\s*)"([A-Z][A-Z0-9_]+)"
    |^env_\w+\s*=\s*"([A-Z][A-Z0-9_]+)\"""",
    re.VERBOSE | re.MULTILINE,
)
#: Read by the tooling rather than configured by an operator.
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE"}


def _read_by_code() -> set[str]:
    names = set()
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.toml")]:
        for m in READS.finditer(path.read_text(encoding="utf-8")):
            names.add(m.group(1) or m.group(2))
    return names - NOT_CONFIGURATION


def _in_readme_table() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return {name for row in section.splitlines() if row.startswith("|")
            for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}


def test_every_environment_variable_the_code_reads_is_in_the_readme():
    read = _read_by_code()
    assert {"DATABASE_URL", "SECRET_KEY", "OWNUP_VAR_DIR"} <= read  # the scan finds them
    missing = sorted(read - _in_readme_table())
    assert not missing, f"add these to the README's configuration table: {missing}"
