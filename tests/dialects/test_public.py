"""The package's public surface: what __all__ promises is there, and nothing private leaks."""

from __future__ import annotations

from pathlib import Path

import adapter.dialects as dialects
from adapter.dialects import read, write
from dialects.helpers import REPO


def test_all_names_exist_and_are_sorted() -> None:
    for name in dialects.__all__:
        assert hasattr(dialects, name), name
    assert dialects.__all__ == sorted(dialects.__all__, key=lambda name: (not name.isupper(), name))
    assert not [name for name in dialects.__all__ if name.startswith("_")]


def test_usage_in_the_module_docstring_holds() -> None:
    export = (REPO / "fixtures/systems/carat/exports/02-release-with-sessions.csv").read_bytes()
    conversion = read("carat", export)
    assert conversion.unmapped == ()
    assert [(c.kind.value, c.duration_minutes) for c in conversion.record.plan.contacts] == [
        ("care-plan-review", 50)
    ]
    assert write("cjit-dir", conversion.record).losses == ()
    dir_file = Path(REPO / "fixtures/systems/cjit-dir/01-custody-triage.xml")
    assert read("cjit-dir", dir_file.read_bytes()).record.plan.kind == "initial"
