"""Where the data that ships with the adapter is found: the wheel's adapter/_data, the checkout, or
a setting; a folder in none of them is an error naming the setting."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from adapter import definitions, packaged
from adapter.errors import PackageDataMissing

CHECKOUT = Path(__file__).resolve().parents[1]


def test_a_checkout_reads_its_own_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in ("CAREPLAN_IG", "CAREPLAN_UKCORE", "CAREPLAN_MAPPINGS", "CAREPLAN_FIXTURES"):
        monkeypatch.delenv(setting, raising=False)
    assert packaged.ig_folder() == CHECKOUT / "ig" / "fsh-generated" / "resources"
    assert packaged.ukcore_folder() == CHECKOUT / "ig" / "input" / "ukcore"
    assert packaged.mappings_folder() == CHECKOUT / "mappings"
    assert packaged.fixtures_folder() == CHECKOUT / "fixtures"


def test_a_setting_overrides_and_must_name_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_MAPPINGS", str(tmp_path))
    assert packaged.mappings_folder() == tmp_path
    monkeypatch.setenv("CAREPLAN_MAPPINGS", str(tmp_path / "missing"))
    with pytest.raises(PackageDataMissing) as error:
        packaged.mappings_folder()
    (issue,) = error.value.outcome.issues
    assert issue.expression == "CAREPLAN_MAPPINGS"
    assert issue.text == f"CAREPLAN_MAPPINGS={tmp_path / 'missing'}: expected a folder"


def test_an_install_without_its_data_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As a wheel built without its data would be: no adapter/_data and no checkout beside the package.
    monkeypatch.delenv("CAREPLAN_IG", raising=False)
    monkeypatch.setattr(packaged, "_CHECKOUT", tmp_path)
    with pytest.raises(PackageDataMissing) as error:
        packaged.ig_folder()
    (issue,) = error.value.outcome.issues
    assert issue.expression == "CAREPLAN_IG"
    assert "the adapter's ig folder is not installed" in issue.text
    assert "set CAREPLAN_IG to the folder" in issue.text


def _wheel_data() -> dict[str, str]:
    """setup.py's PACKAGE_DATA (checkout folder -> folder under adapter/_data), read without running it."""
    tree = ast.parse((CHECKOUT / "setup.py").read_text())
    (assigned,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "PACKAGE_DATA" for t in node.targets)
    ]
    return dict(ast.literal_eval(assigned))


class _Package:
    """Stands in for importlib.resources' view of an installed adapter package."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def files(self, package: str) -> Path:
        return self.root / package


def test_an_installed_wheel_finds_uk_core_s_definitions_through_the_default_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lay out adapter/_data as setup.py's build hook does, with no checkout beside the package.
    wheel_data = _wheel_data()
    assert wheel_data["ig/input/ukcore"] == "ukcore"
    for source in ("ig/fsh-generated/resources", "ig/input/ukcore"):
        shutil.copytree(CHECKOUT / source, tmp_path / "site" / "adapter" / "_data" / wheel_data[source])
    for setting in ("CAREPLAN_IG", "CAREPLAN_UKCORE"):
        monkeypatch.delenv(setting, raising=False)
    monkeypatch.setattr(packaged, "resources", _Package(tmp_path / "site"))
    monkeypatch.setattr(packaged, "_CHECKOUT", tmp_path / "no-checkout")
    assert packaged.ukcore_folder() == tmp_path / "site" / "adapter" / "_data" / "ukcore"
    definitions._ukcore.cache_clear()
    definitions._ig.cache_clear()
    try:
        chain = definitions.Definitions.default()
        extension = chain.require(
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
        )
        assert extension["version"] == "2.3.0"
        assert (
            chain.require("https://fhir.hl7.org.uk/CodeSystem/UKCore-EthnicCategoryWales")["version"]
            == "1.1.1"
        )
        assert chain.require("https://fhir.careplan-adapter.org/StructureDefinition/ServiceUserPatient")
    finally:
        definitions._ukcore.cache_clear()
        definitions._ig.cache_clear()
