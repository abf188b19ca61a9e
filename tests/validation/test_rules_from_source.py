"""Rules taken from the FHIR R4 specification and the HL7 reference validator's source, each tested
with small instances written from the rule (never files of the HL7 test set)."""

from __future__ import annotations

from typing import Any

from adapter.validation.inputs import read_xml
from tests.validation.validation_builders import validator

XHTML = "http://www.w3.org/1999/xhtml"


def errors_of(outcome: Any) -> list[tuple[str, str | None]]:
    return [(i.message_id, i.expression) for i in outcome.issues if i.is_error]


def test_xml_in_a_declared_single_byte_encoding_is_validated_whole() -> None:
    # XML 1.0 4.3.3 lets a processor read encodings beyond UTF-8/UTF-16; the reference validator
    # reads ISO-8859-1 and validates the resource, so a bad value after the first non-ASCII byte
    # is still found.
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><Patient xmlns="http://hl7.org/fhir">'
        '<name><family value="Müller"/></name><gender value="femme"/></Patient>'
    )
    resource, problems = read_xml(text.encode("latin-1"))
    assert problems == [] and resource is not None
    assert resource["name"] == [{"family": "Müller"}]
    assert ("binding.required", "Patient.gender") in errors_of(validator().validate(resource))


def test_characters_outside_the_basic_multilingual_plane_are_valid_string_content() -> None:
    # R4 string: any Unicode character is allowed (the regex [ \\r\\n\\t\\S]+); U+1F600 is one character.
    text = '<Patient xmlns="http://hl7.org/fhir"><name><family value="Zo\U0001f600"/></name></Patient>'
    resource, problems = read_xml(text.encode())
    assert problems == []
    assert errors_of(validator().validate(resource)) == []


# --- Resolving references in Bundles (R4 bundle.html#references; BaseValidator.getFromBundle) ---


def test_the_full_url_a_reference_names() -> None:
    from adapter.validation.references import target_url

    restful = "http://a.example/fhir/Observation/o1"
    assert target_url("Patient/p1", restful) == "http://a.example/fhir/Patient/p1"
    assert target_url("Patient/p1/_history/2", restful) == "http://a.example/fhir/Patient/p1"
    assert target_url("Patient/p1", "urn:uuid:9d6f0c1e-1b7a-4a4e-9a57-3a4b5c6d7e8f") == "urn:uuid:p1"
    assert target_url("http://b.example/fhir/Patient/p1", restful) == "http://b.example/fhir/Patient/p1"
    assert target_url("urn:uuid:abc", None) == "urn:uuid:abc"
    assert target_url("Patient/p1", None) is None  # no fullUrl: nothing to read it against
    assert target_url("p1", restful) is None  # not [type]/[id]


def _narrative(text: str) -> dict[str, str]:
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{text}</div>'}


def _document(
    subject_url: str, subject_full_url: str, composition_full_url: str, patient_id: str = "p1"
) -> dict[str, Any]:
    composition = {
        "resourceType": "Composition",
        "id": "c1",
        "text": _narrative("c"),
        "status": "final",
        "type": {"text": "note"},
        "subject": {"reference": subject_url},
        "date": "2024-05-01",
        "author": [{"display": "A. Keyworker"}],
        "title": "Note",
    }
    patient = {"resourceType": "Patient", "id": patient_id, "text": _narrative("p")}
    return {
        "resourceType": "Bundle",
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:0b7d4f4e-8e8e-4c9b-9a53-2f1d7c9e6a11",
        },
        "type": "document",
        "timestamp": "2024-05-01T10:00:00Z",
        "entry": [
            {"fullUrl": composition_full_url, "resource": composition},
            {"fullUrl": subject_full_url, "resource": patient},
        ],
    }


def test_a_relative_reference_reaches_only_the_entry_its_base_names() -> None:
    checker = validator()
    same_base = _document(
        "Patient/p1", "http://a.example/fhir/Patient/p1", "http://a.example/fhir/Composition/c1"
    )
    assert errors_of(checker.validate(same_base)) == []
    other_base = _document(
        "Patient/p1", "http://b.example/fhir/Patient/p1", "http://a.example/fhir/Composition/c1"
    )
    found = errors_of(checker.validate(other_base))
    assert ("reference.bundle-fullurl-rules", "Bundle.entry[0].resource.subject") in found
    # from a URN-named entry, Patient/<id> names urn:uuid:<id> by the general rule...
    patient = "5f1b0e8a-3c3d-4a8e-9f55-0c2b7e1d4a61"
    by_urn = _document(
        f"Patient/{patient}", f"urn:uuid:{patient}", "urn:uuid:6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d", patient
    )
    as_collection = {**by_urn, "type": "collection"}
    outcome = checker.validate(as_collection)
    assert errors_of(outcome) == []
    assert not [i for i in outcome.issues if i.message_id == "reference.bundle-possible-match"]
    # ...but a document reads relative references only against a RESTful fullUrl (resolveInBundle)
    assert ("reference.bundle-fullurl-rules", "Bundle.entry[0].resource.subject") in errors_of(
        checker.validate(by_urn)
    )


def test_an_entry_with_the_same_type_and_id_elsewhere_is_a_warning_outside_documents() -> None:
    observation = {
        "resourceType": "Observation",
        "id": "o1",
        "text": _narrative("o"),
        "status": "final",
        "code": {"text": "weight"},
        "subject": {"reference": "Patient/p1"},
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "http://a.example/fhir/Observation/o1", "resource": observation},
            {
                "fullUrl": "http://b.example/fhir/Patient/p1",
                "resource": {"resourceType": "Patient", "id": "p1", "text": _narrative("p")},
            },
        ],
    }
    outcome = validator().validate(bundle)
    assert errors_of(outcome) == []
    warned = [(i.message_id, i.expression) for i in outcome.issues if i.severity == "warning"]
    assert ("reference.bundle-possible-match", "Bundle.entry[0].resource.subject") in warned


# --- Identifier (InstanceValidator.checkIdentifier) ---


def _patient_with(identifier: dict[str, str]) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": "p1", "text": _narrative("p"), "identifier": [identifier]}


def test_identifier_system_is_absolute() -> None:
    checker = validator()
    for good in ("https://fhir.nhs.uk/Id/nhs-number", "urn:oid:2.16.840.1.113883.2.1.4.1", "ldap:o=nhs"):
        assert errors_of(checker.validate(_patient_with({"system": good, "value": "1"}))) == []
    found = errors_of(checker.validate(_patient_with({"system": "nhs-number", "value": "1"})))
    assert found == [("identifier.system-relative", "Patient.identifier[0].system")]


def test_uri_and_uuid_identifier_values() -> None:
    checker = validator()
    uri = {"system": "urn:ietf:rfc:3986"}
    assert (
        errors_of(
            checker.validate(_patient_with({**uri, "value": "urn:uuid:5f1b0e8a-3c3d-4a8e-9f55-0c2b7e1d4a61"}))
        )
        == []
    )
    assert errors_of(checker.validate(_patient_with({**uri, "value": "file:relative/x"}))) == [
        ("identifier.uri-value", "Patient.identifier[0].value")
    ]
    assert errors_of(checker.validate(_patient_with({**uri, "value": "5f1b0e8a"}))) == [
        ("identifier.uri-value", "Patient.identifier[0].value")
    ]
    uuid = {"system": "https://tools.ietf.org/html/rfc4122"}
    for warned in ("5f1b0e8a-3c3d-4a8e-9f55-0c2b7e1d4a61", "urn:uuid:5f1b0e8a-3c3d-4a8e-9f55-0c2b7e1d4a61"):
        outcome = checker.validate(_patient_with({**uuid, "value": warned}))
        assert errors_of(outcome) == []
        assert [i.expression for i in outcome.issues if i.message_id.startswith("identifier.uuid")] == [
            "Patient.identifier[0].value"
        ]
    assert errors_of(checker.validate(_patient_with({**uuid, "value": "not-a-uuid"}))) == [
        ("identifier.uuid-value", "Patient.identifier[0].value")
    ]


# --- Primitive values (InstanceValidator.checkPrimitive) ---


def _issues(outcome: Any, prefix: str) -> list[tuple[str, str, str | None]]:
    return [
        (i.severity, i.message_id, i.expression) for i in outcome.issues if i.message_id.startswith(prefix)
    ]


def test_string_whitespace_and_control_characters_are_warnings() -> None:
    checker = validator()
    for family, found in (
        ("   ", "string.whitespace-all"),
        ("Smith ", "string.whitespace"),
        ("Sm\u0001ith", "string.control-characters"),
    ):
        outcome = checker.validate(
            _patient_with({"system": "https://x.example/id", "value": "1"}) | {"name": [{"family": family}]}
        )
        assert errors_of(outcome) == []
        assert _issues(outcome, "string.") == [("warning", found, "Patient.name[0].family")]
    clean = checker.validate(
        {"resourceType": "Patient", "id": "p1", "text": _narrative("p"), "name": [{"family": "Smith"}]}
    )
    assert _issues(clean, "string.") == []


def test_uri_forms_oid_and_uuid() -> None:
    def rules(uri: str) -> list[tuple[str, str | None]]:
        patient = {"resourceType": "Patient", "id": "p1", "text": _narrative("p"), "implicitRules": uri}
        return errors_of(validator().validate(patient))

    assert rules("urn:oid:2.16.840.1.113883") == []
    assert rules("urn:oid:1.3.6") == []  # a 1.3 root may be short
    assert rules("urn:oid:1.2") == [("uri.oid", "Patient.implicitRules")]
    assert rules("urn:uuid:5f1b0e8a-3c3d-4a8e-9f55-0c2b7e1d4a61") == []
    assert rules("urn:uuid:5f1b0e8a") == [("uri.uuid", "Patient.implicitRules")]
    assert rules("oid:2.16.840.1.113883") == [("uri.oid-scheme", "Patient.implicitRules")]
    assert rules("uuid:5f1b0e8a-3c3d-4a8e-9f55-0c2b7e1d4a61") == [
        ("uri.uuid-scheme", "Patient.implicitRules")
    ]


def test_base64_with_whitespace_is_a_warning_in_r4() -> None:
    binary = {"resourceType": "Binary", "id": "b1", "contentType": "text/plain", "data": "aGVs bG8="}
    outcome = validator().validate(binary)
    assert errors_of(outcome) == []
    assert _issues(outcome, "format.base64") == [("warning", "format.base64-whitespace", "Binary.data")]


def test_html_in_markdown_is_a_warning_by_default_and_an_error_when_asked() -> None:
    system = {
        "resourceType": "CodeSystem",
        "id": "c1",
        "text": _narrative("c"),
        "url": "https://x.example/CodeSystem/c1",
        "status": "draft",
        "content": "complete",
        "description": "Say <b>hello</b>",
    }
    assert _issues(validator().validate(system), "format.markdown") == [
        ("warning", "format.markdown-html", "CodeSystem.description")
    ]
    strict = validator(html_in_markdown="error").validate(system)
    assert ("format.markdown-html", "CodeSystem.description") in errors_of(strict)
    assert _issues(validator(html_in_markdown="none").validate(system), "format.markdown") == []


def test_min_length_and_regex_extensions_on_a_profiled_element() -> None:
    from tests.validation.validation_builders import profile

    ext = "http://hl7.org/fhir/StructureDefinition/"
    short = profile(
        "ShortName",
        "Patient",
        [
            {
                "id": "Patient.name.family",
                "path": "Patient.name.family",
                "extension": [
                    {"url": ext + "minLength", "valueInteger": 3},
                    {"url": ext + "regex", "valueString": "[A-Z][a-z]+"},
                ],
            }
        ],
    )
    checker = validator(short)

    def found(family: str) -> list[tuple[str, str | None]]:
        patient = {
            "resourceType": "Patient",
            "id": "p1",
            "text": _narrative("p"),
            "name": [{"family": family}],
        }
        return errors_of(checker.validate(patient, profiles=[short["url"]]))

    assert found("Smith") == []
    assert found("Li") == [("value.min-length", "Patient.name[0].family")]
    assert found("smith") == [("value.regex", "Patient.name[0].family")]


# --- Extension contexts (R4 StructureDefinition.context; InstanceValidator.checkExtensionContext) ---

EXT = "https://x.example/StructureDefinition/"


def _extension(
    name: str, contexts: list[tuple[str, str]], value_type: str = "string", **more: Any
) -> dict[str, Any]:
    return {
        "resourceType": "StructureDefinition",
        "url": EXT + name,
        "name": name,
        "status": "draft",
        "kind": "complex-type",
        "abstract": False,
        "context": [{"type": kind, "expression": where} for kind, where in contexts],
        "type": "Extension",
        "baseDefinition": "http://hl7.org/fhir/StructureDefinition/Extension",
        "derivation": "constraint",
        "differential": {
            "element": [
                {"id": "Extension", "path": "Extension"},
                {"id": "Extension.url", "path": "Extension.url", "fixedUri": EXT + name},
                {"id": "Extension.value[x]", "path": "Extension.value[x]", "type": [{"code": value_type}]},
            ]
        },
        **more,
    }


def _context_errors(outcome: Any) -> list[str | None]:
    return [i.expression for i in outcome.issues if i.message_id.startswith("extension.context")]


def _with_ext(name: str, value: str = "x") -> dict[str, Any]:
    return {"url": EXT + name, "valueString": value}


def test_element_contexts_follow_the_type_hierarchy_and_the_special_names() -> None:
    quantity = _extension("on-quantity", [("element", "Quantity")])
    anywhere = _extension("anywhere", [("element", "Any")])
    canonical = _extension("on-canonical", [("element", "CanonicalResource")])
    checker = validator(quantity, anywhere, canonical)
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "text": _narrative("c"),
        "subject": {"reference": "Patient/p1"},
        # Age derives from Quantity: a Quantity context allows it
        "onsetAge": {
            "value": 40,
            "system": "http://unitsofmeasure.org",
            "code": "a",
            "extension": [_with_ext("on-quantity")],
        },
        "extension": [_with_ext("anywhere")],
    }
    assert _context_errors(checker.validate(condition)) == []
    on_patient = {
        "resourceType": "Patient",
        "id": "p1",
        "text": _narrative("p"),
        "extension": [_with_ext("on-canonical")],
    }
    assert _context_errors(checker.validate(on_patient)) == ["Patient.extension[0]"]
    value_set = {
        "resourceType": "ValueSet",
        "id": "v1",
        "text": _narrative("v"),
        "status": "draft",
        "extension": [_with_ext("on-canonical")],
    }
    assert _context_errors(checker.validate(value_set)) == []
    misplaced = {
        "resourceType": "Patient",
        "id": "p1",
        "text": _narrative("p"),
        "extension": [_with_ext("on-quantity")],
    }
    assert _context_errors(checker.validate(misplaced)) == ["Patient.extension[0]"]


def test_a_profile_qualified_context_needs_the_resource_to_conform() -> None:
    from tests.validation.validation_builders import profile

    named = profile("NamedPatient", "Patient", [{"id": "Patient.name", "path": "Patient.name", "min": 1}])
    qualified = _extension("on-named", [("element", f"{named['url']}#Patient")])
    checker = validator(named, qualified)
    base = {
        "resourceType": "Patient",
        "id": "p1",
        "text": _narrative("p"),
        "extension": [_with_ext("on-named")],
    }
    assert _context_errors(checker.validate({**base, "name": [{"family": "Smith"}]})) == []
    # the profile's check meets the same extension again: the question in progress ends the cycle
    assert errors_of(checker.validate(base)) == [("extension.context", "Patient.extension[0]")]


def test_extension_and_fhirpath_contexts_and_context_invariants() -> None:
    outer = {
        **_extension("outer", [("element", "Patient")]),
        "differential": {
            "element": [
                {"id": "Extension", "path": "Extension"},
                {"id": "Extension.url", "path": "Extension.url", "fixedUri": EXT + "outer"},
                {"id": "Extension.value[x]", "path": "Extension.value[x]", "max": "0"},
            ]
        },
    }
    inner = _extension("inner", [("extension", EXT + "outer")])
    official = _extension("official-only", [("fhirpath", "Patient.name.where(use = 'official')")])
    guarded = _extension("guarded", [("element", "HumanName")], contextInvariant=["family.exists()"])
    checker = validator(outer, inner, official, guarded)

    def patient(**more: Any) -> dict[str, Any]:
        return {"resourceType": "Patient", "id": "p1", "text": _narrative("p"), **more}

    nested = patient(extension=[{"url": EXT + "outer", "extension": [_with_ext("inner")]}])
    assert _context_errors(checker.validate(nested)) == []
    assert _context_errors(checker.validate(patient(extension=[_with_ext("inner")]))) == [
        "Patient.extension[0]"
    ]
    names = [
        {"use": "official", "family": "Smith", "extension": [_with_ext("official-only")]},
        {"use": "nickname", "given": ["Al"], "extension": [_with_ext("official-only"), _with_ext("guarded")]},
    ]
    assert _context_errors(checker.validate(patient(name=names))) == [
        "Patient.name[1].extension[0]",
        "Patient.name[1].extension[1]",
    ]


# --- Narrative language control (narrative-language-control; XhtmlValidator.isLangDiv) ---


def _language_profile(*codes: str) -> dict[str, Any]:
    from tests.validation.validation_builders import profile

    control = "http://hl7.org/fhir/StructureDefinition/narrative-language-control"
    name = "Lang" + "".join(c.strip("_").title() for c in codes)
    return profile(
        name,
        "Patient",
        [
            {
                "id": "Patient.text",
                "path": "Patient.text",
                "extension": [{"url": control, "valueCode": c} for c in codes],
            }
        ],
    )


def _language_issues(profile_: dict[str, Any], div: str, **more: Any) -> list[tuple[str, str]]:
    patient = {
        "resourceType": "Patient",
        "id": "p1",
        "text": {"status": "generated", "div": f'<div xmlns="{XHTML}">{div}</div>'},
        **more,
    }
    outcome = validator(profile_).validate(patient, profiles=[profile_["url"]])
    return [(i.severity, i.message_id) for i in outcome.issues if i.message_id.startswith("xhtml.language")]


def test_language_sections_named_by_lang_or_xml_lang_each_and_both() -> None:
    required = _language_profile("_yes")
    both = '<div lang="en" xml:lang="en">Hello</div><div lang="fr" xml:lang="fr">Bonjour</div>'
    assert _language_issues(required, both) == []
    each = '<div lang="en">Hello</div><div xml:lang="fr">Bonjour</div>'
    assert _language_issues(required, each) == []
    assert _language_issues(required, "<p>Hello</p>") == [("error", "xhtml.language-sections-required")]
    outside = '<div lang="en">Hello</div><p>stray</p>'
    assert _language_issues(required, outside) == [("error", "xhtml.language-sections-required")]
    conflict = '<div lang="en" xml:lang="fr">Hello</div>'
    assert _language_issues(required, conflict) == [("warning", "xhtml.language-section-conflict")]


def test_language_sections_prohibited_or_for_the_resource_language() -> None:
    prohibited = _language_profile("_no")
    assert _language_issues(prohibited, "<p>Hello</p>") == []
    assert _language_issues(prohibited, '<p lang="en">Hello</p>') == [("error", "xhtml.language-sections")]
    resource = _language_profile("_resource")
    sections = '<div lang="en">Hello</div>'
    assert _language_issues(resource, sections, language="en") == []
    assert _language_issues(resource, sections, language="fr") == [
        ("error", "xhtml.language-section-missing")
    ]
    french = _language_profile("fr")
    assert _language_issues(french, sections) == [("error", "xhtml.language-section-missing")]


# --- Document and message Bundles (BundleValidator) ---


def test_documents_and_messages_need_entries_and_paging_links_belong_to_searches() -> None:
    empty = {
        "resourceType": "Bundle",
        "identifier": {
            "system": "urn:ietf:rfc:3986",
            "value": "urn:uuid:0b7d4f4e-8e8e-4c9b-9a53-2f1d7c9e6a11",
        },
        "type": "document",
        "timestamp": "2024-05-01T10:00:00Z",
    }
    assert ("bundle.no-first-entry", "Bundle") in errors_of(validator().validate(empty))
    document = _document(
        "Patient/p1", "http://a.example/fhir/Patient/p1", "http://a.example/fhir/Composition/c1"
    )
    paged = {**document, "link": [{"relation": "next", "url": "http://a.example/fhir/next"}]}
    assert errors_of(validator().validate(paged)) == [
        ("bundle.link-search-relation", "Bundle.link[0].relation")
    ]
    search = {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": [
            {"relation": "next", "url": "http://a.example/1"},
            {"relation": "next", "url": "http://a.example/2"},
        ],
    }
    assert errors_of(validator().validate(search)) == [("bundle.link-repeated", "Bundle.link[1]")]
    twice = {**document, "link": [{"relation": "alternate", "url": "http://a.example/1"}] * 2}
    assert errors_of(validator().validate(twice)) == []


def test_a_restful_full_url_needs_a_resource_id() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {
                "fullUrl": "http://a.example/fhir/Patient/p1",
                "resource": {"resourceType": "Patient", "text": _narrative("p")},
            }
        ],
    }
    assert errors_of(validator().validate(bundle)) == [("bundle.fullurl-no-id", "Bundle.entry[0]")]


def test_a_message_headers_focus_must_be_in_the_bundle_and_orphans_are_warnings() -> None:
    def message(focus: str, *others: dict[str, Any]) -> dict[str, Any]:
        header = {
            "resourceType": "MessageHeader",
            "id": "m1",
            "text": _narrative("m"),
            "eventCoding": {"system": "https://x.example/events", "code": "handover"},
            "source": {"endpoint": "https://a.example/fhir"},
            "focus": [{"reference": focus}],
        }
        entries = [{"fullUrl": "https://a.example/fhir/MessageHeader/m1", "resource": header}, *others]
        return {
            "resourceType": "Bundle",
            "type": "message",
            "timestamp": "2024-05-01T10:00:00Z",
            "entry": entries,
        }

    patient = {
        "fullUrl": "https://a.example/fhir/Patient/p1",
        "resource": {"resourceType": "Patient", "id": "p1", "text": _narrative("p")},
    }
    assert errors_of(validator().validate(message("Patient/p1", patient))) == []
    missing = validator().validate(message("Patient/p2", patient))
    assert errors_of(missing) == [("document.reference-not-found", "Bundle.entry[0].resource.focus[0]")]
    assert [
        (i.severity, i.expression) for i in missing.issues if i.message_id == "bundle.message-unreachable"
    ] == [("warning", "Bundle.entry[1]")]


def test_a_composition_section_entry_must_resolve() -> None:
    document = _document(
        "Patient/p1", "http://a.example/fhir/Patient/p1", "http://a.example/fhir/Composition/c1"
    )
    document["entry"][0]["resource"]["section"] = [{"title": "Goals", "entry": [{"reference": "Goal/g9"}]}]
    assert errors_of(validator().validate(document)) == [
        ("document.reference-not-found", "Bundle.entry[0].resource.section[0].entry[0]")
    ]
