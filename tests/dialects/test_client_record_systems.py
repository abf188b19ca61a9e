"""The client's own record (issue 11) through every system's format: each field comes back as it went,
or the writer reports it lost - never dropped in silence. The GP system keeps the service user whole
and the plan's pregnancy, injecting and blood-borne virus status; the others have no field for any of it
(their XSDs, field tables and real exports hold none)."""

from __future__ import annotations

import pytest

from adapter.dialects import InvalidSystemRecord, read, systems, write
from dialects.helpers import CLIENTS, client, is_own_record_path, leaf_map, own_record_paths

SYSTEM_NAMES = [info.name for info in systems()]
GP_KEEPS = ("service_user.", "plan.pregnancy", "plan.injecting", "plan.blood_borne_viruses")


@pytest.mark.parametrize("system", SYSTEM_NAMES)
@pytest.mark.parametrize("name", [path.stem for path in CLIENTS])
def test_each_field_of_the_own_record_comes_back_or_is_reported_lost(system: str, name: str) -> None:
    original = client(name)
    try:
        written = write(system, original)
    except InvalidSystemRecord:
        return  # the system does not hold this client at all (its golden says why)
    lost = set(written.lost_paths)
    after = leaf_map(read(system, written.data).record)
    before = leaf_map(original)
    for path in own_record_paths(original):
        assert path in lost or after.get(path) == before[path], (system, path)
    if system == "gp-shared-care":
        assert {p for p in lost if is_own_record_path(p)} == {
            p for p in own_record_paths(original) if not p.startswith(GP_KEEPS)
        }
    else:
        assert own_record_paths(original) <= lost
        assert {loss.reason for loss in written.losses if is_own_record_path(loss.path)} <= {
            f"{system} has no field for it"
        }


def test_the_gp_system_keeps_what_the_prescriber_needs() -> None:
    original = client("02-carat-release")
    back = read("gp-shared-care", write("gp-shared-care", original).data).record
    assert back.service_user == original.service_user
    assert (back.plan.injecting, back.plan.blood_borne_viruses) == (
        original.plan.injecting,
        original.plan.blood_borne_viruses,
    )
    assert back.plan.circumstances is None and back.episode is None
