"""H-42 and H-43: what the source systems hold beyond the drug plan, read as they said it. Probation's
"very high" risk of serious harm is never lowered (the CARAT export's clinical risk map reads an old
`VH` as high, the probation map must not); a contact the client missed is never read as attended."""

from __future__ import annotations

import pytest

from adapter.dialects import InvalidSystemRecord, read, write
from adapter.errors import InvalidFhir
from adapter.fhir import from_fhir, to_fhir
from adapter.model.system_codes import ContactAttendance, RoshLevel
from safety.safety_cases import record

CPA_CLIENT = "15-cpa-psychiatric-medication.json"


def _carat(client_file: str, old: str, new: str) -> bytes:
    text = write("carat", record(client_file)).data.decode()
    assert old in text
    return text.replace(old, new).encode()


def test_h42_very_high_risk_of_serious_harm_stays_very_high_through_carat_dir_and_fhir() -> None:
    data = _carat(CPA_CLIENT, ",H,20/07/2026,", ",VH,20/07/2026,")
    conversion = read("carat", data)
    assert conversion.issues.issues == ()  # no fallback, no approximation
    management = conversion.record.plan.offender_management
    assert management is not None and management.risk_of_serious_harm is RoshLevel.VERY_HIGH
    through_dir = read("cjit-dir", write("cjit-dir", conversion.record).data).record
    assert through_dir.plan.offender_management == management
    through_fhir = from_fhir(to_fhir(conversion.record)).record
    assert through_fhir.plan.offender_management == management


def test_h42_the_clinical_risk_map_is_not_the_probation_one() -> None:
    # The same export's clinical risk level reads an old VH as high (reported); probation's does not.
    data = _carat(CPA_CLIENT, ",H,overdose;self-harm,", ",VH,overdose;self-harm,")
    conversion = read("carat", data)
    assert [issue.expression for issue in conversion.issues.issues if issue.severity == "warning"]
    assert conversion.record.plan.risk is not None and conversion.record.plan.risk.level == "high"


def test_h43_a_missed_contact_is_read_as_missed_and_an_unknown_attendance_code_refused() -> None:
    client = record(CPA_CLIENT)
    missed = [c for c in client.plan.contacts if c.attendance is ContactAttendance.DID_NOT_ATTEND]
    assert missed
    back = read("carat", write("carat", client).data).record
    assert [c.attendance for c in back.plan.contacts] == [c.attendance for c in client.plan.contacts]
    # A code the map does not know ("N") is refused, naming the cell: never taken for attended.
    data = _carat(CPA_CLIENT, ",keywork,DNA,", ",keywork,N,")
    with pytest.raises(InvalidSystemRecord) as caught:
        read("carat", data)
    [issue] = caught.value.outcome.issues
    assert issue.expression is not None and issue.expression.endswith(".attended")


def test_h40_psychiatric_medication_survives_every_system_that_prescribes() -> None:
    client = record(CPA_CLIENT)
    # From the CMHT's CPA plan, through the CJIT's DIR and FHIR, to the GP's system: nothing dropped.
    from_cmht = read("cmht-cpa", write("cmht-cpa", client).data).record
    from_dir = read("cjit-dir", write("cjit-dir", from_cmht).data).record
    from_fhir_bundle = from_fhir(to_fhir(from_dir)).record
    from_gp = read("gp-shared-care", write("gp-shared-care", from_fhir_bundle).data).record
    for step in (from_cmht, from_dir, from_fhir_bundle, from_gp):
        assert step.plan.psychiatric_medication == client.plan.psychiatric_medication


def test_h40_a_medication_statement_not_active_is_refused_not_read_as_taken() -> None:
    bundle = to_fhir(record(CPA_CLIENT))
    [index] = [
        i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "MedicationStatement"
    ][:1]
    bundle["entry"][index]["resource"]["status"] = "stopped"
    with pytest.raises(InvalidFhir) as caught:
        from_fhir(bundle)
    assert f"Bundle.entry[{index}].resource.status" in [i.expression for i in caught.value.outcome.issues]
