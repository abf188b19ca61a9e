"""The generic engine on a small system defined in the test: no real system's table involved."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapter.dialects import InvalidSystemRecord, MappingTableError, load_system, read, systems, write
from adapter.model.codes import PlanKind

SYSTEM = """
name: mini
title: A small test system
format: xml
version: "0"
xml: {root: Record, namespace: "urn:test:mini"}
"""

SEX = """
resourceType: ConceptMap
sourceUri: urn:mini:sex
group:
  - source: urn:mini:sex
    element:
      - {code: M, target: [{code: male, equivalence: equivalent}]}
      - {code: F, target: [{code: female, equivalence: equivalent}]}
    unmapped: {mode: fixed, code: unknown}
  - source: administrative-gender
    unmapped: {mode: fixed, code: U}
"""

TABLE = """
map:
  - {source: Team/@ods, canonical: organisations, transforms: [split]}
  - {canonical: plan.kind, value: initial}
  - group: Person
    canonical: service_user
    required: true
    map:
      - source: Name
        canonical: {family: name.family, given: name.given}
        transforms: [surname_first]
        required: true
      - {source: Born, canonical: birth_date, transforms: [{date: {format: "%d/%m/%Y"}}], required: true}
      - {source: Sex, canonical: gender, transforms: [{code: {map: sex}}], required: true}
  - group: Plan
    canonical: plan
    map:
      - {source: "@id", canonical: id, required: true}
      - {source: Status, canonical: status, default: active}
      - {source: Tier, canonical: tier, required: true}
      - {source: Created, canonical: created, transforms: [{date: {format: "%d/%m/%Y"}}], required: true}
      - {source: Created, canonical: start, transforms: [{date: {format: "%d/%m/%Y"}}]}
      - group: Goal
        canonical: goals
        repeat: true
        map:
          - {source: "@id", canonical: id, required: true}
          - {source: Text, canonical: description, required: true}
          - {source: Domain, canonical: domain, required: true}
          - {source: Status, canonical: status, default: active}
      - group: Risk
        canonical: risk
        map:
          - {source: Level, canonical: level, required: true}
          - {source: On, canonical: assessed_on, required: true}
          - {source: Summary, canonical: summary, required: true}
"""

DOCUMENT = """<?xml version="1.0" encoding="UTF-8"?>
<Record xmlns="urn:test:mini">
  <Team ods="Y02345"/>
  <Person>
    <Name>Okafor, Dana Marie</Name>
    <Born>14/03/1986</Born>
    <Sex>F</Sex>
    <ShoeSize>6</ShoeSize>
  </Person>
  <Plan id="p1">
    <Tier>tier-3</Tier>
    <Created>10/01/2026</Created>
    <Goal id="g1"><Text>Reduce heroin use</Text><Domain>drug-alcohol-misuse</Domain></Goal>
    <Goal id="g2" colour="blue"><Text>Find housing</Text><Domain>social-functioning</Domain></Goal>
  </Plan>
</Record>
"""


def organisations_as_objects(table: str) -> str:
    # The canonical model wants organisations as objects; the small system has only an ODS code.
    return table.replace(
        "  - {source: Team/@ods, canonical: organisations, transforms: [split]}\n",
        "  - group: Team\n    canonical: organisations\n    repeat: true\n    map:\n"
        "      - {source: '@ods', canonical: ods_code, required: true}\n"
        "      - {canonical: name, value: The team}\n"
        "      - {canonical: kind, value: cjit}\n",
    )


@pytest.fixture
def mappings(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    (folder / "codemaps").mkdir(parents=True)
    (folder / "system.yaml").write_text(SYSTEM)
    (folder / "mapping.yaml").write_text(organisations_as_objects(TABLE))
    (folder / "codemaps" / "sex.yaml").write_text(SEX)
    return tmp_path


def test_read_maps_fields_and_lists_what_it_did_not_map(mappings: Path) -> None:
    conversion = read("mini", DOCUMENT.encode(), mappings=mappings)
    record = conversion.record
    assert record.service_user.name.family == "Okafor"
    assert record.service_user.name.given == ["Dana", "Marie"]
    assert record.service_user.birth_date.isoformat() == "1986-03-14"
    assert record.service_user.gender == "female"
    assert record.plan.kind == "initial"  # a fixed value: the system implies it
    assert record.plan.status == "active"  # a default: the source had none
    assert [goal.id for goal in record.plan.goals] == ["g1", "g2"]
    assert record.organisations[0].name == "The team"
    assert conversion.unmapped == ("/Record/Person/ShoeSize", "/Record/Plan/Goal[2]/@colour")
    assert conversion.issues.issues == ()


def test_code_map_fallback_is_a_warning_at_the_source_field(mappings: Path) -> None:
    conversion = read("mini", DOCUMENT.replace("<Sex>F</Sex>", "<Sex>Q</Sex>").encode(), mappings=mappings)
    assert conversion.record.service_user.gender == "unknown"
    [warning] = conversion.issues.issues
    assert warning.severity == "warning"
    assert warning.expression == "/Record/Person/Sex"
    assert "'Q' is not in code map sex" in warning.text


def test_every_bad_field_is_named_at_once(mappings: Path) -> None:
    bad = (
        DOCUMENT.replace("14/03/1986", "1986-03-14")
        .replace("<Tier>tier-3</Tier>", "")
        .replace("<Text>Find housing</Text>", "")
    )
    with pytest.raises(InvalidSystemRecord) as caught:
        read("mini", bad.encode(), mappings=mappings)
    issues = caught.value.outcome.issues
    assert [issue.expression for issue in issues] == [
        "/Record/Person/Born",
        "/Record/Plan/Tier",
        "/Record/Plan/Goal[2]/Text",
    ]
    assert "expected a date as DD/MM/YYYY" in issues[0].text
    assert "service_user.birth_date" in issues[0].text
    assert "plan.goals[1].description" in issues[2].text


def test_model_errors_point_back_at_the_source_field(mappings: Path) -> None:
    bad = DOCUMENT.replace("<Domain>social-functioning</Domain>", "<Domain>wellbeing</Domain>")
    with pytest.raises(InvalidSystemRecord) as caught:
        read("mini", bad.encode(), mappings=mappings)
    [issue] = caught.value.outcome.issues
    assert issue.expression == "/Record/Plan/Goal[2]/Domain"
    assert "plan.goals[1].domain" in issue.text


def test_write_reports_losses_with_reasons_and_leaves_empty_sections_out(mappings: Path) -> None:
    record = read("mini", DOCUMENT.encode(), mappings=mappings).record
    changed = record.model_copy(
        update={"plan": record.plan.model_copy(update={"kind": PlanKind.COMPREHENSIVE, "title": "Plan A"})}
    )
    written = write("mini", changed, mappings=mappings)
    # False flags the model fills in by itself are not losses: reading back restores them.
    assert {loss.path: loss.reason for loss in written.losses} == {
        "plan.kind": "mini always records 'initial'",
        "plan.title": "mini has no field for it",
    }
    flagged = changed.model_copy(update={"plan": changed.plan.model_copy(update={"complex_needs": True})})
    assert "plan.complex_needs" in write("mini", flagged, mappings=mappings).lost_paths
    assert b"<Risk" not in written.data
    assert b"<Name>Okafor, Dana Marie</Name>" in written.data


def test_write_names_the_canonical_field_a_required_source_needs(mappings: Path) -> None:
    record = read("mini", DOCUMENT.encode(), mappings=mappings).record
    table = (
        (mappings / "mini" / "mapping.yaml")
        .read_text()
        .replace(
            "      - {source: Tier, canonical: tier, required: true}\n",
            "      - {source: Tier, canonical: tier, required: true}\n"
            "      - {source: Title, canonical: title, required: true}\n",
        )
    )
    (mappings / "titled" / "codemaps").mkdir(parents=True)
    (mappings / "titled" / "system.yaml").write_text(SYSTEM.replace("name: mini", "name: titled"))
    (mappings / "titled" / "mapping.yaml").write_text(table)
    (mappings / "titled" / "codemaps" / "sex.yaml").write_text(SEX)
    with pytest.raises(InvalidSystemRecord) as caught:
        write("titled", record, mappings=mappings)
    [issue] = caught.value.outcome.issues
    assert issue.expression == "plan.title"
    assert "titled requires a value (Title)" in issue.text


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        ("transforms: [surname_first]", "mapping.yaml.map[2].map[0].transforms[0]", "unknown transform"),
        ("{code: {map: sex}}", "mapping.yaml.map[2].map[2].transforms[0]", "no code map named"),
        ("canonical: birth_date,", "mapping.yaml.map[2].map[1]", "not a dotted path"),
    ],
)
def test_a_malformed_table_is_named(mappings: Path, change: str, where: str, says: str) -> None:
    broken = {
        "transforms: [surname_first]": "transforms: [surname_last]",
        "{code: {map: sex}}": "{code: {map: gender}}",
        "canonical: birth_date,": "canonical: Birth-Date,",
    }[change]
    table = (mappings / "mini" / "mapping.yaml").read_text().replace(change, broken)
    (mappings / "broken").mkdir()
    (mappings / "broken" / "system.yaml").write_text(SYSTEM.replace("name: mini", "name: broken"))
    (mappings / "broken" / "mapping.yaml").write_text(table)
    (mappings / "broken" / "codemaps").mkdir()
    (mappings / "broken" / "codemaps" / "sex.yaml").write_text(SEX)
    with pytest.raises(MappingTableError) as caught:
        load_system("broken", mappings)
    [issue] = caught.value.outcome.issues
    assert issue.expression == where
    assert says in issue.text


def test_a_code_map_without_an_explicit_fallback_is_refused(mappings: Path) -> None:
    (mappings / "mini" / "codemaps" / "sex.yaml").write_text(
        SEX.replace("    unmapped: {mode: fixed, code: U}\n", "")
    )
    (mappings / "strict").mkdir()
    for name in ("mapping.yaml",):
        (mappings / "strict" / name).write_text((mappings / "mini" / name).read_text())
    (mappings / "strict" / "system.yaml").write_text(SYSTEM.replace("name: mini", "name: strict"))
    (mappings / "strict" / "codemaps").mkdir()
    (mappings / "strict" / "codemaps" / "sex.yaml").write_text(
        (mappings / "mini" / "codemaps" / "sex.yaml").read_text()
    )
    with pytest.raises(MappingTableError) as caught:
        load_system("strict", mappings)
    assert "explicit unmapped.mode" in caught.value.outcome.issues[0].text


def test_systems_lists_every_folder(mappings: Path) -> None:
    [info] = systems(mappings)
    assert (info.name, info.format, info.title) == ("mini", "xml", "A small test system")
    with pytest.raises(MappingTableError) as caught:
        load_system("nope", mappings)
    assert "known: mini" in caught.value.outcome.issues[0].text


def test_post_process_steps_run_before_validation(mappings: Path) -> None:
    repeated = DOCUMENT.replace('<Team ods="Y02345"/>', '<Team ods="Y02345"/><Team ods="Y02345"/>')
    with pytest.raises(InvalidSystemRecord) as caught:
        read("mini", repeated.encode(), mappings=mappings)
    # Without the step the model finds the same organisation twice, at both source elements.
    assert [issue.expression for issue in caught.value.outcome.issues] == [
        "/Record/Team[1]/@ods",
        "/Record/Team[2]/@ods",
    ]
    table = (mappings / "mini" / "mapping.yaml").read_text()
    (mappings / "deduped" / "codemaps").mkdir(parents=True)
    (mappings / "deduped" / "system.yaml").write_text(SYSTEM.replace("name: mini", "name: deduped"))
    (mappings / "deduped" / "mapping.yaml").write_text("post: [unique_organisations]\n" + table)
    (mappings / "deduped" / "codemaps" / "sex.yaml").write_text(SEX)
    assert len(read("deduped", repeated.encode(), mappings=mappings).record.organisations) == 1
    (mappings / "tidied" / "codemaps").mkdir(parents=True)
    (mappings / "tidied" / "codemaps" / "sex.yaml").write_text(SEX)
    (mappings / "tidied" / "system.yaml").write_text(SYSTEM.replace("name: mini", "name: tidied"))
    (mappings / "tidied" / "mapping.yaml").write_text("post: [tidy]\n" + table)
    with pytest.raises(MappingTableError, match="unknown post-process step 'tidy'"):
        load_system("tidied", mappings)


def test_two_groups_share_one_kind_of_node_each_taking_those_it_is_when(tmp_path: Path) -> None:
    """``when``: a group takes only the nodes that hold a value at its path, so one kind of source
    node can carry two kinds of item (here a Goal element holding a Need is a need); each is written
    back as a node of its own. (CARAT's SESSION rows, tests/dialects/test_systems.py, are read as both
    when they fill both.)"""
    folder = tmp_path / "mini"
    (folder / "codemaps").mkdir(parents=True)
    (folder / "system.yaml").write_text(SYSTEM)
    (folder / "codemaps" / "sex.yaml").write_text(SEX)
    goals = "      - group: Goal\n        canonical: goals\n        repeat: true\n"
    table = organisations_as_objects(TABLE).replace(goals, goals + "        when: Text\n")
    # Written back, the plan's start needs a node of its own (the small table reads it from Created).
    table = table.replace("{source: Created, canonical: start", "{source: Started, canonical: start")
    needs = (
        "      - group: Goal\n        canonical: needs\n        repeat: true\n        when: Need\n"
        "        map:\n"
        "          - {source: '@id', canonical: id, required: true}\n"
        "          - {source: Need, canonical: description, required: true}\n"
        "          - {source: Domain, canonical: domain, required: true}\n"
    )
    table = table.replace("      - group: Risk\n", needs + "      - group: Risk\n")
    (folder / "mapping.yaml").write_text(table)
    document = DOCUMENT.replace(
        '<Goal id="g2" colour="blue">',
        '<Goal id="n1"><Need>No address</Need><Domain>social-functioning</Domain></Goal><Goal id="g2">',
    ).replace("<Created>10/01/2026</Created>", "<Created>10/01/2026</Created><Started>10/01/2026</Started>")
    conversion = read("mini", document.encode(), mappings=tmp_path)
    assert conversion.unmapped == ("/Record/Person/ShoeSize",)
    plan = conversion.record.plan
    assert [goal.id for goal in plan.goals] == ["g1", "g2"]
    assert [(need.id, need.description) for need in plan.needs] == [("n1", "No address")]
    written = write("mini", conversion.record, mappings=tmp_path)
    assert read("mini", written.data, mappings=tmp_path).record.plan == plan
