"""The fuzz suite: mutated fixtures through every reader, CLI command and HTTP endpoint.

.venv/bin/python -m pytest -q tests/fuzz                                # CI: 25 cases a property
CAREPLAN_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest -q tests/fuzz    # a hunt
"""
