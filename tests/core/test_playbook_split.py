"""The playbook's configuration lives in ownup.core.severities; the playbook re-exports it."""

from ownup.core import playbook, severities


def test_reexports_are_the_same_objects():
    for name in severities.__all__:
        if name == "MIDDLE_STEPS":
            continue
        assert getattr(playbook, name) is getattr(severities, name), name
    assert playbook.DEFAULT_SEVERITIES["major"].phone_call_required is True
    assert severities.MIDDLE_STEPS[0] is playbook.Step.INFORMED
    assert severities.MIDDLE_STEPS[-1] is playbook.Step.REVIEWED


def test_every_public_name_still_imports():
    for name in playbook.__all__:
        assert hasattr(playbook, name), name
