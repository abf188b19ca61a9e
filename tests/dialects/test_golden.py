"""Golden files: every fixture client written in every system's format, and read back.

fixtures/systems/<system>/<client>.<ext> is what the writer produces; <client>.expected.json lists
the losses (the canonical fields the system cannot carry) or, for a client the system does not hold,
the fields that stop it. Set UPDATE_GOLDENS=1 to rewrite them after a deliberate change.
"""

from __future__ import annotations

import os

import orjson
import pytest

from adapter.dialects import InvalidSystemRecord, load_system, read, systems, write
from dialects.helpers import SYSTEMS_FIXTURES, client, differences

UPDATE = os.environ.get("UPDATE_GOLDENS") == "1"
SYSTEM_NAMES = [info.name for info in systems()]


def _expected(system: str, name: str) -> dict[str, object]:
    record = client(name)
    try:
        written = write(system, record)
    except InvalidSystemRecord as error:
        return {"held": False, "because": [issue.expression for issue in error.outcome.issues]}
    return {"held": True, "losses": [{"path": loss.path, "reason": loss.reason} for loss in written.losses]}


@pytest.mark.parametrize("system", SYSTEM_NAMES)
def test_golden(system: str, client_name: str) -> None:
    folder = SYSTEMS_FIXTURES / system
    extension = load_system(system).extension
    data_file = folder / f"{client_name}.{extension}"
    expected_file = folder / f"{client_name}.expected.json"
    expected = _expected(system, client_name)
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        expected_file.write_bytes(orjson.dumps(expected, option=orjson.OPT_INDENT_2) + b"\n")
        if expected["held"]:
            data_file.write_bytes(write(system, client(client_name)).data)
        else:
            data_file.unlink(missing_ok=True)
    assert orjson.loads(expected_file.read_bytes()) == expected
    if not expected["held"]:
        assert not data_file.exists()
        return
    original = client(client_name)
    written = write(system, original)
    if load_system(system).info.format != "fhir":
        # A FHIR system's bytes are adapter.fhir's to write (its own goldens pin them); here its
        # golden must still read back to the record, checked below.
        assert written.data == data_file.read_bytes()
    conversion = read(system, data_file.read_bytes())
    assert conversion.unmapped == ()
    assert differences(original, conversion.record, set(written.lost_paths)) == []
