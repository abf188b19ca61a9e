"""The guide uses UK Core's ethnic category extension (issue 11): ServiceUserPatient slices it in as
UK Core's Patient does, its definitions ship beside the FSH (ig/input/ukcore) for SUSHI and the
validator, and they stay UK Core's: not listed among the guide's own resources, not redefined."""

from __future__ import annotations

import json

import yaml
from compiled_guide import IG_FOLDER, SD_BASE, CompiledGuide

UK_CORE_EXTENSION = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
SHIPPED = IG_FOLDER / "input" / "ukcore"


def test_the_service_user_profile_slices_in_uk_core_s_ethnic_category(ig: CompiledGuide) -> None:
    slice_ = ig.element("ServiceUserPatient", "Patient.extension:ethnicCategory")
    # The slice name and 0..1 are UK Core's own (UKCore-Patient Patient.extension:ethnicCategory).
    assert (slice_["sliceName"], slice_.get("min", 0), slice_["max"]) == ("ethnicCategory", 0, "1")
    assert slice_["type"] == [{"code": "Extension", "profile": [UK_CORE_EXTENSION]}]
    assert slice_["mustSupport"] is True
    assert SD_BASE + "ethnic-category" not in ig.by_url  # our own extension is gone


def test_the_shipped_definitions_are_uk_core_s_four_and_the_guide_does_not_list_them_as_its_own(
    ig: CompiledGuide,
) -> None:
    shipped = {
        json.loads(path.read_text("utf-8"))["url"]: path.name for path in sorted(SHIPPED.glob("*.json"))
    }
    assert set(shipped) == {
        UK_CORE_EXTENSION,
        "https://fhir.hl7.org.uk/ValueSet/UKCore-EthnicCategory",
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryEngland",
        "https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryWales",
    }
    readme = (SHIPPED / "README.md").read_text("utf-8")
    assert all(name in readme for name in shipped.values())
    assert "3d2827e3e9918674640d0c14a0f870084397a615" in readme and "Apache License 2.0" in readme
    assert not set(shipped) & set(ig.by_url)
    (guide,) = ig.of_type("ImplementationGuide")
    listed = {r["reference"]["reference"] for r in guide["definition"]["resource"]}
    assert not {ref for ref in listed if "UKCore" in ref}
    config = yaml.safe_load((IG_FOLDER / "sushi-config.yaml").read_text("utf-8"))
    assert config["parameters"]["path-resource"] == ["input/ukcore"]
    assert set(config["resources"]) == {
        "StructureDefinition/Extension-UKCore-EthnicCategory",
        "ValueSet/UKCore-EthnicCategory",
        "CodeSystem/UKCore-EthnicCategoryEngland",
        "CodeSystem/UKCore-EthnicCategoryWales",
    }
    assert set(config["resources"].values()) == {"omit"}
