"""Fixtures for the server tests: a signer, the handover it signs, a client on a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from adapter.handover import Ed25519Signer
from adapter.types import FhirJson
from server.cases import CARAT, cjit_app, handover_message


@pytest.fixture(scope="module")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate(CARAT)


@pytest.fixture(scope="module")
def message(signer: Ed25519Signer) -> FhirJson:
    return handover_message(signer)


@pytest.fixture
def client(tmp_path: Path, signer: Ed25519Signer) -> Iterator[TestClient]:
    with TestClient(cjit_app(tmp_path, signer), raise_server_exceptions=False) as test_client:
        yield test_client
