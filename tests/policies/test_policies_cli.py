from pathlib import Path

import pytest

from ownup.cli import main
from ownup.core.policy import load_policy
from ownup.policies.models import ResponsePolicy

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parents[1] / "core" / "data" / "policy_example.toml"
INVALID = Path(__file__).parents[1] / "core" / "data" / "policy_invalid.toml"


def test_import_list_export_assign_round_trip(ws_a, client_a, capsys, tmp_path):
    assert main(["policy", "import", str(EXAMPLE), "--default"]) == 0
    assert "imported: Standard retainer (default) in agency-a" in capsys.readouterr().out
    assert main(["policy", "list"]) == 0
    out = capsys.readouterr().out
    assert "Standard retainer (default)\tAmerica/New_York\t0 clients" in out

    assert main(["policy", "export", "standard retainer", "--workspace", "agency-a"]) == 0
    exported = capsys.readouterr().out
    assert load_policy(exported) == load_policy(EXAMPLE.read_text())

    assert main(["policy", "assign", "Standard retainer", "harbour coffee"]) == 0
    assert "assigned: Standard retainer to Harbour Coffee" in capsys.readouterr().out
    client_a.refresh_from_db()
    assert client_a.policy.name == "Standard retainer"
    main(["policy", "list"])
    assert "1 client\n" in capsys.readouterr().out

    changed = tmp_path / "changed.toml"
    changed.write_text(exported.replace('"America/New_York"', '"Europe/London"'))
    assert main(["policy", "import", str(changed)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert main(["policy", "import", str(changed), "--replace"]) == 0
    assert "replaced" in capsys.readouterr().out
    row = ResponsePolicy.objects.get(workspace=ws_a)
    assert row.document["timezone"] == "Europe/London" and row.is_default


def test_user_mistakes_are_one_line(ws_a, ws_b, client_a, capsys, tmp_path):
    cases = [
        (["policy", "import", str(tmp_path / "missing.toml"), "--workspace", "agency-a"],
         "cannot read policy file"),
        (["policy", "import", str(INVALID), "--workspace", "agency-a"], "invalid policy"),
        (["policy", "import", str(EXAMPLE)], "--workspace"),
        (["policy", "export", "Nope", "--workspace", "agency-a"], "no policy named 'Nope'"),
        (["policy", "list", "--workspace", "nope"], "no workspace with slug 'nope'"),
        (["policy", "assign", "Nope", "Harbour Coffee", "--workspace", "agency-a"],
         "no policy named"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and err.count("\n") == 1, err
    assert main(["policy", "import", str(EXAMPLE), "--workspace", "agency-a"]) == 0
    capsys.readouterr()
    assert main(["policy", "assign", "Standard retainer", "Nobody", "--workspace",
                 "agency-a"]) == 2
    assert "no client named 'Nobody'" in capsys.readouterr().err
    assert not ResponsePolicy.objects.filter(workspace=ws_b).exists()


def test_check_and_due_accept_business_days(tmp_path, capsys):
    days = tmp_path / "days.toml"
    days.write_text(EXAMPLE.read_text().replace('respond = "24h"', 'respond = "2 business days"'))
    assert 'respond = "2 business days"' in days.read_text()
    assert main(["policy", "check", str(days)]) == 0
    capsys.readouterr()
    assert main(["due", "--policy", str(days), "--received", "2026-11-29T22:00:00-05:00",
                 "--class", "routine", "--json"]) == 0
    out = capsys.readouterr().out
    assert "2026-12-01T" in out  # Sunday night + 2 business days: Tuesday's close
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('respond = "24h"', 'respond = "2 weeks"'))
    assert main(["policy", "check", str(bad)]) == 2
    assert "'2 weeks' is not a duration" in capsys.readouterr().out
