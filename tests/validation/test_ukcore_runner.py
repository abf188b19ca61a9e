"""The UK Core runner (python -m adapter.validation.ukcore) on the UK Core data copied into the tests."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from adapter.definitions import Definitions, FolderSource
from adapter.validation import Validator
from adapter.validation.ukcore import check_bundles, check_examples, profile_for

DATA = Path(__file__).parent / "data" / "ukcore"
GOLDEN = Path(__file__).resolve().parents[2] / "fixtures" / "golden" / "02-carat-release.bundle.json"


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(Definitions.default().with_source(FolderSource(DATA)))


def organisations_only(tmp_path: Path, *, break_ods: bool = False) -> Path:
    """Fixture 02's bundle cut down to its Organizations (the profile the test data holds)."""
    bundle = orjson.loads(GOLDEN.read_bytes())
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] == "Organization"]
    if break_ods:
        bundle["entry"][0]["resource"]["identifier"][0]["value"] = ""
    folder = tmp_path / "bundles"
    folder.mkdir()
    (folder / "orgs.bundle.json").write_bytes(orjson.dumps(bundle))
    return folder


def test_profile_for_names_uk_core_profiles_of_profiled_types_only() -> None:
    assert (
        profile_for({"resourceType": "Patient"})
        == "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
    )
    assert profile_for({"resourceType": "Goal"}) is None


def test_our_organisations_meet_uk_core(validator: Validator, tmp_path: Path) -> None:
    checked = list(check_bundles(validator, organisations_only(tmp_path)))
    assert len(checked) == 5
    assert all(c.profile and c.profile.endswith("UKCore-Organization") for c in checked)
    assert [c.errors for c in checked] == [()] * 5


def test_a_broken_ods_code_is_reported_against_uk_core(validator: Validator, tmp_path: Path) -> None:
    checked = list(check_bundles(validator, organisations_only(tmp_path, break_ods=True)))
    failing = [c for c in checked if c.errors]
    assert [c.where for c in failing] == ["orgs.bundle.json entry[0] Organization"]
    assert {i.expression for i in failing[0].errors} >= {"Organization.identifier[0].value"}


def test_uk_core_organisation_examples_have_no_errors(validator: Validator) -> None:
    checked = [c for c in check_examples(validator, DATA) if c.where.startswith("UKCore-Organization-")]
    assert checked
    assert [c.errors for c in checked] == [()] * len(checked)
