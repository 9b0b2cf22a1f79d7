"""The layers hold at run time: every app's API module imports on its own, in a fresh
interpreter, before the API object that mounts it (no module reaches back into ownup.api)."""

import os
import subprocess
import sys
from pathlib import Path

import ownup

PACKAGE = Path(ownup.__file__).parent

SCRIPT = """
import sys
import django
django.setup()
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
    assert "ownup.api" not in sys.modules, f"{name} imports ownup.api (the router mount)"
import ownup.api
mounted = {route.__module__ for _prefix, router in ownup.api.api._routers
           for path_view in router.path_operations.values()
           for route in (op.view_func for op in path_view.operations)}
missing = set(sys.argv[1:]) - mounted
assert not missing, f"API modules not mounted: {sorted(missing)}"
print(len(sys.argv) - 1)
"""


def _api_modules() -> list[str]:
    found = sorted(PACKAGE.glob("*/api.py")) + sorted(PACKAGE.glob("*/*_api.py"))
    return sorted({f"ownup.{p.parent.name}.{p.stem}" for p in found})


def test_every_app_api_module_imports_before_the_api_object(tmp_path):
    modules = _api_modules()
    assert len(modules) > 10
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="ownup.settings", OWNUP_VAR_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-c", SCRIPT, *modules], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == str(len(modules))
