"""The compiled implementation guide, loaded once for the IG tests."""

from __future__ import annotations

import pytest
from compiled_guide import CompiledGuide, load_guide


@pytest.fixture(scope="session")
def ig() -> CompiledGuide:
    return load_guide()
