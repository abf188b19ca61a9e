"""The fuzz suite: mutated fixtures through every reader, CLI command and HTTP endpoint.

.venv/bin/python -m pytest -q tests/fuzz                                # CI: 25 cases a property
CAREPLAN_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/fuzz    # a hunt
"""

from __future__ import annotations

import pytest

from fuzz.mutations import CASES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CASES:
        kinds = ", ".join(f"{name} {count}" for name, count in sorted(CASES.items()))
        terminalreporter.write_line(f"fuzz cases run: {sum(CASES.values())} ({kinds})")
