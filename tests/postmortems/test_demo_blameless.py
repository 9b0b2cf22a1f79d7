"""`make run` loads the demo, whose post-mortems are published by the director without an
override: every sentence of them must pass the blame check as shipped (the learned problem
models of tone round 5 read 'The distribution tool was set to the wrong date and nothing …
checked it' as blame, and `ownup demo` failed on a fresh database)."""

from ownup.postmortems.blameless import blame_findings
from ownup.postmortems.demo import DEMO


def _texts(spec):
    for key, value in spec.items():
        if isinstance(value, str):
            yield (key, key, value)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                for j, part in enumerate(item if isinstance(item, tuple | list) else [item]):
                    if isinstance(part, str):
                        yield (f"{key}.{i}.{j}", key, part)
                    elif isinstance(part, dict):
                        for k, v in part.items():
                            if isinstance(v, str):
                                yield (f"{key}.{i}.{k}", key, v)


def test_every_demo_postmortem_passes_the_blame_check():
    names = ["Olivia Hart", "Olivia", "Dan Okafor", "Dan", "Maya Chen", "Maya", "Sam Patel",
             "Sam", "Jo Rivera", "Jo"]
    for title, spec in DEMO.items():
        assert blame_findings(list(_texts(spec)), names=names) == [], title
