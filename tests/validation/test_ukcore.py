"""UK Core profiles (differential only, so snapshots are generated) against UK Core's own examples.

The profiles and examples are copied into tests/validation/data/ukcore (source and licence in its
README), so this test needs nothing outside the repository.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from adapter.definitions import Definitions, FolderSource
from adapter.validation import Validator

DATA = Path(__file__).parent / "data" / "ukcore"
ORGANIZATION = "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Organization"
EXAMPLES = sorted(DATA.glob("UKCore-Organization-*-Example.json"))


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator(Definitions.core_only().with_source(FolderSource(DATA)))


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def test_the_profile_snapshot_is_generated_without_problems(validator: Validator) -> None:
    structure = validator.context.library.structure(ORGANIZATION)
    assert structure is not None and structure.problems == ()
    ods = structure.by_id["Organization.identifier:odsOrganisationCode.system"]
    assert ods.fixed == "https://fhir.nhs.uk/Id/ods-organization-code"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_uk_core_examples_have_no_errors(validator: Validator, example: Path) -> None:
    outcome = validator.validate(load(example), profiles=[ORGANIZATION])
    assert outcome.errors == ()


def test_a_broken_ods_identifier_is_found(validator: Validator) -> None:
    organization = copy.deepcopy(load(EXAMPLES[0]))
    ods = organization["identifier"][0]
    organization["identifier"] = [{"system": ods["system"]}, {**ods, "value": "RR9"}]
    found = {
        (i.message_id, i.expression) for i in validator.validate(organization, profiles=[ORGANIZATION]).errors
    }
    assert found == {
        ("slicing.max", "Organization"),
        ("cardinality.min", "Organization.identifier[0]"),
    }
