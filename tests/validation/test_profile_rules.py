"""Profile and contained-resource rules, each from its source (FHIR R4 profiling.html, the
reference validator's InstanceValidator), tested with small instances written from the rule."""

from __future__ import annotations

from typing import Any

from tests.validation.validation_builders import BASE, TEST, profile, validator

MIN_LENGTH = "http://hl7.org/fhir/StructureDefinition/minLength"
XHTML = '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>'

OBSERVATION: dict[str, Any] = {
    "resourceType": "Observation",
    "status": "final",
    "code": {"text": "weight"},
    "text": {"status": "generated", "div": XHTML.format("weight")},
}


def errors(issues: Any) -> set[tuple[str, str | None]]:
    return {(i.message_id, i.expression) for i in issues if i.severity in ("error", "fatal")}


def extension_profile(name: str, value_type: str, context: str) -> dict[str, Any]:
    definition = profile(
        name,
        "Extension",
        [
            {"id": "Extension.url", "path": "Extension.url", "fixedUri": TEST + name},
            {
                "id": "Extension.value[x]",
                "path": "Extension.value[x]",
                "min": 1,
                "type": [{"code": value_type}],
            },
        ],
    )
    definition["kind"] = "complex-type"
    definition["context"] = [{"type": "element", "expression": context}]
    return definition


# -- slicing on more than one element -----------------------------------------------------------

TWO_DISCRIMINATORS = profile(
    "two-discriminators",
    "Observation",
    [
        {
            "id": "Observation.identifier",
            "path": "Observation.identifier",
            "slicing": {
                "discriminator": [{"type": "value", "path": "system"}, {"type": "value", "path": "use"}],
                "rules": "closed",
            },
        },
        {
            "id": "Observation.identifier:main",
            "path": "Observation.identifier",
            "sliceName": "main",
            "min": 1,
        },
        {
            "id": "Observation.identifier:main.use",
            "path": "Observation.identifier.use",
            "fixedCode": "official",
        },
        {
            "id": "Observation.identifier:main.system",
            "path": "Observation.identifier.system",
            "fixedUri": "urn:s",
        },
        {
            "id": "Observation.identifier:old",
            "path": "Observation.identifier",
            "sliceName": "old",
            "max": "1",
        },
        {"id": "Observation.identifier:old.use", "path": "Observation.identifier.use", "fixedCode": "old"},
        {
            "id": "Observation.identifier:old.system",
            "path": "Observation.identifier.system",
            "fixedUri": "urn:s",
        },
    ],
)


def test_an_item_belongs_to_a_slice_only_when_every_discriminator_matches() -> None:
    checker = validator(TWO_DISCRIMINATORS)
    url = [TWO_DISCRIMINATORS["url"]]
    both = [
        {"system": "urn:s", "use": "official", "value": "1"},
        {"system": "urn:s", "use": "old", "value": "2"},
    ]
    assert errors(checker.validate({**OBSERVATION, "identifier": both}, profiles=url).issues) == set()
    # The system matches both slices, the use neither: no slice, and the slicing is closed.
    stray = [both[0], {"system": "urn:s", "use": "secondary", "value": "3"}]
    assert errors(checker.validate({**OBSERVATION, "identifier": stray}, profiles=url).issues) == {
        ("slicing.closed", "Observation.identifier[1]")
    }
    # The use matches 'main', the system does not: 'main' is then missing.
    other_system = [{"system": "urn:t", "use": "official", "value": "1"}]
    assert errors(checker.validate({**OBSERVATION, "identifier": other_system}, profiles=url).issues) == {
        ("slicing.min", "Observation"),
        ("slicing.closed", "Observation.identifier[0]"),
    }


# -- re-slicing -----------------------------------------------------------------------------------

VITAL = {"coding": [{"system": "urn:c", "code": "vital"}]}
RESLICED = profile(
    "resliced",
    "Observation",
    [
        {
            "id": "Observation.category",
            "path": "Observation.category",
            "slicing": {"discriminator": [{"type": "pattern", "path": "$this"}], "rules": "open"},
        },
        {
            "id": "Observation.category:vital",
            "path": "Observation.category",
            "sliceName": "vital",
            "min": 1,
            "patternCodeableConcept": VITAL,
            "slicing": {"discriminator": [{"type": "value", "path": "text"}], "rules": "closed"},
        },
        {
            "id": "Observation.category:vital/heart",
            "path": "Observation.category",
            "sliceName": "vital/heart",
            "min": 1,
            "max": "1",
        },
        {
            "id": "Observation.category:vital/heart.text",
            "path": "Observation.category.text",
            "fixedString": "heart",
        },
        {"id": "Observation.category:vital/lung", "path": "Observation.category", "sliceName": "vital/lung"},
        {
            "id": "Observation.category:vital/lung.text",
            "path": "Observation.category.text",
            "fixedString": "lung",
        },
    ],
)


def test_a_reslice_is_a_slice_of_its_slice() -> None:
    checker = validator(RESLICED)
    structure = checker.context.library.structure(RESLICED["url"])
    assert structure is not None
    vital = structure.by_id["Observation.category:vital"]
    assert [s.slice_name for s in vital.slices] == ["vital/heart", "vital/lung"]
    # A re-slice starts from its slice: it carries the slice's pattern.
    assert structure.by_id["Observation.category:vital/heart"].pattern == VITAL
    assert [s.slice_name for s in structure.by_id["Observation.category"].slices] == ["vital"]


def test_reslices_count_and_close_among_their_slices_members() -> None:
    checker = validator(RESLICED)
    url = [RESLICED["url"]]
    heart = {**VITAL, "text": "heart"}
    lung = {**VITAL, "text": "lung"}
    other = {"coding": [{"system": "urn:c", "code": "other"}], "text": "anything"}
    assert (
        errors(checker.validate({**OBSERVATION, "category": [heart, lung, other]}, profiles=url).issues)
        == set()
    )
    missing = checker.validate({**OBSERVATION, "category": [lung]}, profiles=url)
    assert errors(missing.issues) == {("slicing.min", "Observation")}
    assert "Observation.category:vital/heart" in next(i.text for i in missing.errors)
    # Without the slice its required re-slice is missing too: each slice definition's minimum is
    # checked, as the reference validator does.
    neither = checker.validate({**OBSERVATION, "category": [other]}, profiles=url)
    assert errors(neither.issues) == {("slicing.min", "Observation")}
    assert sorted(i.text.split("'")[1] for i in neither.errors) == [
        "Observation.category:vital",
        "Observation.category:vital/heart",
    ]
    twice = checker.validate({**OBSERVATION, "category": [heart, heart]}, profiles=url)
    assert errors(twice.issues) == {("slicing.max", "Observation")}
    # vital's re-slicing is closed: a member of vital in neither re-slice is an error; an item
    # outside vital is not (the top slicing is open).
    stray = checker.validate(
        {**OBSERVATION, "category": [heart, {**VITAL, "text": "skin"}, other]}, profiles=url
    )
    assert errors(stray.issues) == {("slicing.closed", "Observation.category[1]")}


# -- type.profile and targetProfile -----------------------------------------------------------------

UCUM_QUANTITY = profile(
    "ucum-quantity",
    "Quantity",
    [{"id": "Quantity.system", "path": "Quantity.system", "min": 1, "fixedUri": "http://unitsofmeasure.org"}],
)
UCUM_QUANTITY["kind"] = "complex-type"
GENDERED = profile("gendered", "Patient", [{"id": "Patient.gender", "path": "Patient.gender", "min": 1}])
TYPED = profile(
    "typed",
    "Observation",
    [
        {
            "id": "Observation.subject",
            "path": "Observation.subject",
            "type": [{"code": "Reference", "targetProfile": [GENDERED["url"]]}],
        },
        {
            "id": "Observation.value[x]",
            "path": "Observation.value[x]",
            "min": 1,
            "type": [{"code": "Quantity", "profile": [UCUM_QUANTITY["url"]]}],
        },
    ],
)
KG = {"value": 70, "system": "http://unitsofmeasure.org", "code": "kg"}


def test_a_types_profile_applies_to_the_value() -> None:
    checker = validator(UCUM_QUANTITY, GENDERED, TYPED)
    url = [TYPED["url"]]
    assert errors(checker.validate({**OBSERVATION, "valueQuantity": KG}, profiles=url).issues) == set()
    bare = checker.validate({**OBSERVATION, "valueQuantity": {"value": 70, "unit": "kg"}}, profiles=url)
    assert errors(bare.issues) == {("cardinality.min", "Observation.value.ofType(Quantity)")}
    assert "ucum-quantity" in bare.errors[0].text


def test_a_held_target_must_meet_the_target_profile() -> None:
    checker = validator(UCUM_QUANTITY, GENDERED, TYPED)
    url = [TYPED["url"]]
    good = {
        **OBSERVATION,
        "valueQuantity": KG,
        "contained": [{"resourceType": "Patient", "id": "p", "gender": "male"}],
        "subject": {"reference": "#p"},
    }
    assert errors(checker.validate(good, profiles=url).issues) == set()
    ungendered = {**good, "contained": [{"resourceType": "Patient", "id": "p"}]}
    assert errors(checker.validate(ungendered, profiles=url).issues) == {
        ("reference.target-profile", "Observation.subject")
    }
    # A target of another type is the type check's error alone.
    group = {**good, "contained": [{"resourceType": "Group", "id": "p", "type": "person", "actual": True}]}
    assert errors(checker.validate(group, profiles=url).issues) == {
        ("reference.target-type", "Observation.subject")
    }
    # A core profile (vitalsigns) among the target profiles is held by the target's own walk: the
    # reference validator does not report it again (areAllBaseProfiles).
    vitals = profile(
        "vital-holder",
        "Observation",
        [
            {
                "id": "Observation.hasMember",
                "path": "Observation.hasMember",
                "type": [{"code": "Reference", "targetProfile": [BASE + "vitalsigns"]}],
            }
        ],
    )
    member = {**OBSERVATION, "id": "m"}
    held = {**OBSERVATION, "contained": [member], "hasMember": [{"reference": "#m"}]}
    assert "reference.target-profile" not in {
        i.message_id for i in validator(vitals).validate(held, profiles=[vitals["url"]]).issues
    }
    # A target that is not held here is not checked against the profile.
    outside = {**good, "contained": [], "subject": {"reference": "Patient/p"}}
    del outside["contained"]
    assert errors(checker.validate(outside, profiles=url).issues) == set()


def test_a_bundled_target_must_meet_the_target_profile() -> None:
    checker = validator(UCUM_QUANTITY, GENDERED, TYPED)
    observation = {
        **OBSERVATION,
        "meta": {"profile": [TYPED["url"]]},
        "valueQuantity": KG,
        "subject": {"reference": "urn:uuid:5f0a9d52-3a4b-4c1e-9a3b-0c0c0c0c0c01"},
    }
    patient: dict[str, Any] = {"resourceType": "Patient", "text": OBSERVATION["text"]}
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": "urn:uuid:5f0a9d52-3a4b-4c1e-9a3b-0c0c0c0c0c02", "resource": observation},
            {"fullUrl": "urn:uuid:5f0a9d52-3a4b-4c1e-9a3b-0c0c0c0c0c01", "resource": patient},
        ],
    }
    assert errors(checker.validate(bundle).issues) == {
        ("reference.target-profile", "Bundle.entry[0].resource.subject")
    }
    patient["gender"] = "female"
    assert errors(checker.validate(bundle).issues) == set()


def test_an_extension_slices_profile_applies_to_the_extension() -> None:
    note = extension_profile("note", "string", "Observation")
    noted = profile(
        "noted",
        "Observation",
        [
            {
                "id": "Observation.extension",
                "path": "Observation.extension",
                "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "open"},
            },
            {
                "id": "Observation.extension:note",
                "path": "Observation.extension",
                "sliceName": "note",
                "min": 1,
                "type": [{"code": "Extension", "profile": [note["url"]]}],
            },
        ],
    )
    checker = validator(note, noted)
    url = [noted["url"]]
    good = {**OBSERVATION, "extension": [{"url": note["url"], "valueString": "seen"}]}
    assert errors(checker.validate(good, profiles=url).issues) == set()
    wrong = {**OBSERVATION, "extension": [{"url": note["url"], "valueInteger": 1}]}
    assert errors(checker.validate(wrong, profiles=url).issues) == {
        ("choice.type-not-allowed", "Observation.extension[0].value.ofType(integer)")
    }
    assert errors(checker.validate(OBSERVATION, profiles=url).issues) == {("slicing.min", "Observation")}


# -- choice types, value[x] present or absent, minimum lengths ------------------------------------


def test_a_choice_restricted_to_one_type() -> None:
    only_quantity = profile(
        "only-quantity",
        "Observation",
        [
            {
                "id": "Observation.value[x]",
                "path": "Observation.value[x]",
                "min": 1,
                "type": [{"code": "Quantity"}],
            }
        ],
    )
    checker = validator(only_quantity)
    url = [only_quantity["url"]]
    assert errors(checker.validate({**OBSERVATION, "valueQuantity": KG}, profiles=url).issues) == set()
    # Another type is the type's error alone, not also a missing value (one problem, one issue).
    assert errors(checker.validate({**OBSERVATION, "valueString": "70"}, profiles=url).issues) == {
        ("choice.type-not-allowed", "Observation.value.ofType(string)")
    }
    assert errors(checker.validate(OBSERVATION, profiles=url).issues) == {("cardinality.min", "Observation")}


def test_value_x_forbidden() -> None:
    no_value = profile(
        "no-value",
        "Observation",
        [{"id": "Observation.value[x]", "path": "Observation.value[x]", "max": "0"}],
    )
    checker = validator(no_value)
    outcome = checker.validate({**OBSERVATION, "valueString": "70"}, profiles=[no_value["url"]])
    assert errors(outcome.issues) == {("cardinality.max", "Observation")}
    assert "Observation.value[x]: max allowed = 0, but found 1" in outcome.errors[0].text
    assert errors(checker.validate(OBSERVATION, profiles=[no_value["url"]]).issues) == set()


def test_minimum_length() -> None:
    long_enough = profile(
        "long-enough",
        "Observation",
        [
            {
                "id": "Observation.value[x]",
                "path": "Observation.value[x]",
                "type": [{"code": "string"}],
                "extension": [{"url": MIN_LENGTH, "valueInteger": 3}],
            }
        ],
    )
    checker = validator(long_enough)
    url = [long_enough["url"]]
    assert errors(checker.validate({**OBSERVATION, "valueString": "abc"}, profiles=url).issues) == set()
    assert errors(checker.validate({**OBSERVATION, "valueString": "ab"}, profiles=url).issues) == {
        ("value.min-length", "Observation.value.ofType(string)")
    }


# -- patterns and fixed values on complex types ------------------------------------------------------

PATTERNED = profile(
    "patterned",
    "Observation",
    [
        {
            "id": "Observation.identifier",
            "path": "Observation.identifier",
            "patternIdentifier": {"system": "urn:id"},
        },
        {
            "id": "Observation.code",
            "path": "Observation.code",
            "patternCodeableConcept": {"coding": [{"system": "urn:c", "code": "w"}]},
        },
        {
            "id": "Observation.subject",
            "path": "Observation.subject",
            "fixedReference": {"reference": "Patient/1"},
        },
    ],
)


def test_a_pattern_is_contained_a_fixed_value_is_exact() -> None:
    checker = validator(PATTERNED)
    url = [PATTERNED["url"]]
    # Extra codings, displays, text and values beside the pattern are allowed.
    good = {
        **OBSERVATION,
        "identifier": [{"system": "urn:id", "value": "1", "use": "official"}],
        "code": {
            "coding": [{"system": "urn:o", "code": "x"}, {"system": "urn:c", "code": "w", "display": "W"}],
            "text": "w",
        },
        "subject": {"reference": "Patient/1"},
    }
    assert errors(checker.validate(good, profiles=url).issues) == set()
    bad = {
        **good,
        "identifier": [{"system": "urn:other", "value": "1"}],
        "code": {"coding": [{"system": "urn:c", "code": "x"}]},
        "subject": {"reference": "Patient/1", "display": "one"},
    }
    assert errors(checker.validate(bad, profiles=url).issues) == {
        ("value.pattern", "Observation.identifier[0]"),
        ("value.pattern", "Observation.code"),
        ("value.fixed", "Observation.subject"),
    }


# -- profiles derived from profiles ---------------------------------------------------------------


def test_a_derived_profile_keeps_its_bases_rules() -> None:
    base = profile(
        "with-subject",
        "Observation",
        [{"id": "Observation.subject", "path": "Observation.subject", "min": 1}],
    )
    derived = profile(
        "with-time",
        "Observation",
        [{"id": "Observation.effective[x]", "path": "Observation.effective[x]", "min": 1}],
    )
    derived["baseDefinition"] = base["url"]
    checker = validator(base, derived)
    outcome = checker.validate(OBSERVATION, profiles=[derived["url"]])
    texts = sorted(i.text.split(":")[0] for i in outcome.errors)
    assert texts == ["Observation.effective[x]", "Observation.subject"]
    assert errors(outcome.issues) == {("cardinality.min", "Observation")}
    complete = {**OBSERVATION, "subject": {"reference": "Patient/1"}, "effectiveDateTime": "2024-01-01"}
    assert errors(checker.validate(complete, profiles=[derived["url"]]).issues) == set()


# -- circular profile references --------------------------------------------------------------------


def test_an_extension_whose_context_is_the_profile_that_requires_it_ends() -> None:
    # The extension may only sit on resources that meet the profile; the profile requires the
    # extension: asking whether the resource meets the profile asks it again (the guard in
    # Walker._conforms takes a question already being asked as met).
    looped = extension_profile("looped", "string", TEST + "looping#Observation")
    looping = profile(
        "looping",
        "Observation",
        [
            {
                "id": "Observation.extension",
                "path": "Observation.extension",
                "slicing": {"discriminator": [{"type": "value", "path": "url"}], "rules": "open"},
            },
            {
                "id": "Observation.extension:looped",
                "path": "Observation.extension",
                "sliceName": "looped",
                "min": 1,
                "type": [{"code": "Extension", "profile": [looped["url"]]}],
            },
            {"id": "Observation.subject", "path": "Observation.subject", "min": 1},
        ],
    )
    checker = validator(looped, looping)
    good = {
        **OBSERVATION,
        "meta": {"profile": [looping["url"]]},
        "subject": {"reference": "Patient/1"},
        "extension": [{"url": looped["url"], "valueString": "x"}],
    }
    assert errors(checker.validate(good).issues) == set()
    assert checker.context.conforming == set()
    wrong = {**good, "extension": [{"url": looped["url"], "valueInteger": 1}]}
    assert errors(checker.validate(wrong).issues) == {
        ("choice.type-not-allowed", "Observation.extension[0].value.ofType(integer)")
    }
    # The context asks for a resource that meets the profile, declared or not: one that meets it
    # may carry the extension; one that does not (no subject) may not.
    meets = {k: v for k, v in good.items() if k != "meta"}
    assert errors(checker.validate(meets).issues) == set()
    fails = {k: v for k, v in meets.items() if k != "subject"}
    assert errors(checker.validate(fails).issues) == {("extension.context", "Observation.extension[0]")}
    assert checker.context.conforming == set()


# -- contained resources ------------------------------------------------------------------------------

CARE_PLAN: dict[str, Any] = {
    "resourceType": "CarePlan",
    "status": "active",
    "intent": "plan",
    "subject": {"reference": "Patient/1"},
    "text": {"status": "generated", "div": XHTML.format("plan")},
}
GOAL: dict[str, Any] = {
    "resourceType": "Goal",
    "id": "g",
    "lifecycleStatus": "active",
    "description": {"text": "abstinence"},
    "subject": {"reference": "Patient/1"},
}


def test_a_contained_resources_own_invariants_run_where_it_sits() -> None:
    both = {
        "resourceType": "Observation",
        "id": "o",
        "status": "final",
        "code": {"text": "x"},
        "dataAbsentReason": {"text": "lost"},
        "valueString": "v",
    }
    plan = {
        **CARE_PLAN,
        "contained": [GOAL, both],
        "goal": [{"reference": "#g"}],
        "supportingInfo": [{"reference": "#o"}],
    }
    assert errors(validator().validate(plan).issues) == {("invariant.obs-6", "CarePlan.contained[1]")}


def test_dom_2_4_5_are_the_containers_invariants() -> None:
    checker = validator()
    nested = {**GOAL, "contained": [{"resourceType": "Patient", "id": "p"}], "subject": {"reference": "#p"}}
    assert ("invariant.dom-2", "CarePlan") in errors(
        checker.validate({**CARE_PLAN, "contained": [nested], "goal": [{"reference": "#g"}]}).issues
    )
    versioned = {**GOAL, "meta": {"versionId": "2"}}
    assert errors(
        checker.validate({**CARE_PLAN, "contained": [versioned], "goal": [{"reference": "#g"}]}).issues
    ) == {("invariant.dom-4", "CarePlan")}
    labelled = {
        **GOAL,
        "meta": {
            "security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}]
        },
    }
    assert errors(
        checker.validate({**CARE_PLAN, "contained": [labelled], "goal": [{"reference": "#g"}]}).issues
    ) == {("invariant.dom-5", "CarePlan")}


def test_what_counts_as_referring_to_a_contained_resource() -> None:
    checker = validator()
    orphan = {**CARE_PLAN, "contained": [GOAL]}
    assert errors(checker.validate(orphan).issues) == {("invariant.dom-3", "CarePlan.contained[0]")}
    # A Reference from the container, from inside an extension of it, or from another
    # contained resource that is itself referred to.
    assert errors(checker.validate({**orphan, "goal": [{"reference": "#g"}]}).issues) == set()
    via_extension = {
        **orphan,
        "extension": [
            {
                "url": "http://hl7.org/fhir/StructureDefinition/workflow-supportingInfo",
                "valueReference": {"reference": "#g"},
            }
        ],
    }
    assert ("invariant.dom-3", "CarePlan.contained[0]") not in errors(checker.validate(via_extension).issues)
    condition = {
        "resourceType": "Condition",
        "id": "c",
        "subject": {"reference": "Patient/1"},
        "evidence": [{"detail": [{"reference": "#g"}]}],
    }
    chained = {**CARE_PLAN, "contained": [GOAL, condition], "addresses": [{"reference": "#c"}]}
    assert errors(checker.validate(chained).issues) == set()
    # Referred to only by a contained resource nothing refers to: both are orphans.
    unchained = {**CARE_PLAN, "contained": [GOAL, condition]}
    assert errors(checker.validate(unchained).issues) == {
        ("invariant.dom-3", "CarePlan.contained[0]"),
        ("invariant.dom-3", "CarePlan.contained[1]"),
    }
    # Two contained resources naming each other and nothing else: the search ends, both orphans.
    looped = {**CARE_PLAN, "contained": [{**GOAL, "addresses": [{"reference": "#c"}]}, condition]}
    assert errors(checker.validate(looped).issues) == {
        ("invariant.dom-3", "CarePlan.contained[0]"),
        ("invariant.dom-3", "CarePlan.contained[1]"),
    }
    # A narrative link or image counts; a mention in the text does not.
    linked = {
        **CARE_PLAN,
        "contained": [GOAL],
        "text": {"status": "generated", "div": XHTML.format('<a href="#g">goal</a>')},
    }
    assert errors(checker.validate(linked).issues) == set()
    pictured = {**linked, "text": {"status": "generated", "div": XHTML.format('<img src="#g"/>')}}
    assert ("invariant.dom-3", "CarePlan.contained[0]") not in errors(checker.validate(pictured).issues)
    mentioned = {**linked, "text": {"status": "generated", "div": XHTML.format("see #g")}}
    assert errors(checker.validate(mentioned).issues) == {("invariant.dom-3", "CarePlan.contained[0]")}
    # A contained resource that refers to its container ('#') needs nothing else.
    back = {**CARE_PLAN, "contained": [{**GOAL, "addresses": [{"reference": "#"}]}]}
    assert errors(checker.validate(back).issues) == set()
    # Two orphans are two issues, each at its contained resource.
    two = {**CARE_PLAN, "contained": [GOAL, {**GOAL, "id": "h"}], "goal": [{"reference": "#x"}]}
    assert {
        ("invariant.dom-3", "CarePlan.contained[0]"),
        ("invariant.dom-3", "CarePlan.contained[1]"),
    } <= errors(checker.validate(two).issues)


def test_a_contained_resource_needs_its_own_id() -> None:
    checker = validator()
    anonymous = {k: v for k, v in GOAL.items() if k != "id"}
    # The id is missing, and nothing can refer to it: an orphan too (isReferencedFromBase).
    assert errors(checker.validate({**CARE_PLAN, "contained": [anonymous]}).issues) == {
        ("resource.id-missing", "CarePlan.contained[0]"),
        ("invariant.dom-3", "CarePlan.contained[0]"),
    }
    # Unless it refers to its container.
    homing = {**anonymous, "addresses": [{"reference": "#"}]}
    assert errors(checker.validate({**CARE_PLAN, "contained": [homing]}).issues) == {
        ("resource.id-missing", "CarePlan.contained[0]")
    }
    twice = {**CARE_PLAN, "contained": [GOAL, dict(GOAL)], "goal": [{"reference": "#g"}]}
    assert errors(checker.validate(twice).issues) == {
        ("resource.contained-id-duplicate", "CarePlan.contained[1]")
    }
    # An entry of a collection Bundle may go without an id.
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"fullUrl": "urn:uuid:5f0a9d52-3a4b-4c1e-9a3b-0c0c0c0c0c03", "resource": anonymous}],
    }
    assert errors(checker.validate(bundle).issues) == set()
