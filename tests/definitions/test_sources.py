"""Any FHIR package layout is read by content: folders of JSON and XML, NPM .tgz files whatever
their name, unpacked ``package/`` folders, single files; what holds no definition is named."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from adapter.definitions import Definitions, FolderSource, PackageSource, source_for_path
from adapter.errors import DefinitionNotFound
from adapter.wire import write_resource

PROFILE = {
    "resourceType": "StructureDefinition",
    "url": "https://example.test/StructureDefinition/xml-goal",
    "name": "XmlGoal",
    "status": "draft",
    "kind": "resource",
    "abstract": False,
    "type": "Goal",
    "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Goal",
    "derivation": "constraint",
    "differential": {"element": [{"id": "Goal.note", "path": "Goal.note", "min": 1}]},
}
VALUE_SET = {"resourceType": "ValueSet", "url": "https://example.test/ValueSet/json", "status": "draft"}
EXAMPLE = {"resourceType": "Patient", "id": "p1"}


def _skipped(source: object) -> list[str]:
    return [i.text for i in getattr(source, "issues", []) if i.message_id == "definitions.skipped"]


def test_a_folder_of_json_and_xml_resources_read_by_content(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "profile.data").write_bytes(write_resource(PROFILE, "xml"))
    (tmp_path / "vs.xml").write_bytes(json.dumps(VALUE_SET).encode())  # JSON despite its name
    (tmp_path / "patient.json").write_text(json.dumps(EXAMPLE))
    (tmp_path / "notes.txt").write_text("hello")
    source = source_for_path(tmp_path)
    assert source.get(PROFILE["url"]) is not None
    assert source.get(PROFILE["url"])["differential"]["element"][0]["min"] == 1  # type: ignore[index]
    assert source.get(VALUE_SET["url"]) is not None
    skipped = _skipped(source)
    assert any("patient.json" in text and "Patient" in text for text in skipped)
    assert any("notes.txt" in text for text in skipped)
    assert len(skipped) == 2


def test_untrusted_xml_with_a_doctype_is_skipped_not_resolved(tmp_path: Path) -> None:
    (tmp_path / "evil.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        '<ValueSet xmlns="http://hl7.org/fhir"><url value="&e;"/></ValueSet>'
    )
    source = FolderSource(tmp_path)
    assert list(source.urls()) == []
    assert "DOCTYPE" in _skipped(source)[0]


def _tgz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_an_npm_package_by_content_whatever_its_name(tmp_path: Path) -> None:
    package = tmp_path / "my-ig.bin"
    package.write_bytes(
        _tgz(
            {
                "package/package.json": b'{"name": "my.ig", "version": "0.1.0"}',
                "package/StructureDefinition-xml-goal.xml": write_resource(PROFILE, "xml"),
                "package/example/ValueSet-json.json": json.dumps(VALUE_SET).encode(),
            }
        )
    )
    source = source_for_path(package)
    assert isinstance(source, PackageSource)
    assert source.get(PROFILE["url"]) is not None
    # package/example holds examples, not definitions (the NPM package layout)
    assert source.get(VALUE_SET["url"]) is None
    assert any("package.json" in text for text in _skipped(source))


def test_an_unpacked_package_and_its_package_folder(tmp_path: Path) -> None:
    folder = tmp_path / "package"
    (folder / "example").mkdir(parents=True)
    (folder / "package.json").write_text('{"name": "my.ig"}')
    (folder / "sd.json").write_text(json.dumps(PROFILE))
    (folder / "example" / "vs.json").write_text(json.dumps(VALUE_SET))
    for given in (tmp_path, folder):
        source = source_for_path(given)
        assert source.get(PROFILE["url"]) is not None
        assert source.get(VALUE_SET["url"]) is None


def test_a_bundle_of_definitions_and_a_single_file(tmp_path: Path) -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": PROFILE}, {"resource": VALUE_SET}],
    }
    single = tmp_path / "defs"
    single.write_bytes(write_resource(bundle, "xml"))
    source = source_for_path(single)
    assert source.get(PROFILE["url"]) is not None and source.get(VALUE_SET["url"]) is not None


def test_a_single_file_without_definitions_is_an_error_naming_it(tmp_path: Path) -> None:
    example = tmp_path / "patient.xml"
    example.write_bytes(write_resource(EXAMPLE, "xml"))
    with pytest.raises(DefinitionNotFound) as caught:
        source_for_path(example)
    assert "patient.xml" in caught.value.outcome.issues[0].text
    with pytest.raises(DefinitionNotFound):
        source_for_path(tmp_path / "missing")


def test_the_chain_reports_what_its_sources_skipped(tmp_path: Path) -> None:
    (tmp_path / "patient.json").write_text(json.dumps(EXAMPLE))
    (tmp_path / "sd.json").write_text(json.dumps(PROFILE))
    definitions = Definitions.default().with_source(source_for_path(tmp_path))
    assert [i.severity for i in definitions.issues] == ["information"]
    assert Definitions.default().issues == []
