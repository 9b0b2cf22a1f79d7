"""Production settings pass Django's deployment checklist with no warning."""

import os
import secrets
import subprocess
import sys


def test_check_deploy_is_clean(tmp_path):
    env = {**os.environ, "HTTPS": "1", "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
           "OWNUP_VAR_DIR": str(tmp_path), "ALLOWED_HOSTS": "ownup.example"}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "-m", "ownup.cli", "manage", "check", "--deploy", "--fail-level",
         "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
