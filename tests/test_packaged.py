"""Where the data that ships with the adapter is found: the wheel's adapter/_data, the checkout, or
a setting; a folder in none of them is an error naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter import packaged
from adapter.errors import PackageDataMissing

CHECKOUT = Path(__file__).resolve().parents[1]


def test_a_checkout_reads_its_own_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    for setting in ("CAREPLAN_IG", "CAREPLAN_MAPPINGS", "CAREPLAN_FIXTURES"):
        monkeypatch.delenv(setting, raising=False)
    assert packaged.ig_folder() == CHECKOUT / "ig" / "fsh-generated" / "resources"
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
