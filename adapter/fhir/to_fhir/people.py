"""The service user, the organisations and the care team's practitioners and their roles."""

from __future__ import annotations

from adapter.fhir.extensions import (
    INTERPRETER_REQUIRED,
    PATIENT_EXTENSIONS,
    UK_CORE_ETHNIC_CATEGORY_EXTENSION,
)
from adapter.fhir.narrative import brief, person, words
from adapter.fhir.to_fhir.context import (
    Context,
    address,
    extension,
    extensions,
    human_name,
    local_identifier,
    period,
    resource,
    telecom,
)
from adapter.fhir.to_fhir.extensions import write
from adapter.model.circumstance_codes import LANGUAGE_SYSTEM
from adapter.model.identifiers import NHS_NUMBER_SYSTEM, ODS_SYSTEM, PNC_ID_SYSTEM, PRISON_NUMBER_SYSTEM
from adapter.model.record import CareTeamMember, Organisation, OtherIdentifier, ServiceUser
from adapter.types import FhirJson

ROLE_MAP = "care-team-role-to-snomed"


def other_identifier(ctx: Context, identifier: OtherIdentifier) -> FhirJson:
    written: FhirJson = {"system": identifier.system, "value": identifier.value}
    if identifier.assigner:
        written["assigner"] = ctx.ref("Organization", identifier.assigner)
    return written


def patient(ctx: Context) -> FhirJson:
    """Patient: NHS number, prison number and PNC id under their systems, then local ids."""
    user = ctx.record.service_user
    identifiers = [
        {"system": system, "value": value}
        for system, value in (
            (NHS_NUMBER_SYSTEM, user.nhs_number),
            (PRISON_NUMBER_SYSTEM, user.prison_number),
            (PNC_ID_SYSTEM, user.pnc_id),
        )
        if value is not None
    ]
    identifiers += [other_identifier(ctx, other) for other in user.other_identifiers]
    born = f", born {user.birth_date.isoformat()}" if user.birth_date else ", birth date not stated"
    nhs = f", NHS number {user.nhs_number}" if user.nhs_number else ""
    # UK Core's own extension: the England coding with its display from UK Core's CodeSystem.
    ethnic = (
        [
            {
                "url": UK_CORE_ETHNIC_CATEGORY_EXTENSION,
                "valueCodeableConcept": ctx.terminology.concept(user.ethnic_category),
            }
        ]
        if user.ethnic_category is not None
        else []
    )
    interpreter = (
        [{"url": INTERPRETER_REQUIRED, "valueBoolean": user.interpreter_required}]
        if user.interpreter_required is not None
        else []
    )
    return resource(
        "Patient",
        ctx,
        text=brief(f"{person(user.name)}{born}{nhs}"),
        extension=write(ctx, PATIENT_EXTENSIONS, user) + ethnic + interpreter,
        identifier=identifiers,
        name=[human_name(user.name)] if user.name else None,
        telecom=telecom(user.phone),
        gender=user.gender.value,
        birthDate=user.birth_date.isoformat() if user.birth_date else None,
        address=[address(user.address, "home")] if user.address else None,
        communication=communication(user),
        generalPractitioner=[ctx.ref("Organization", user.registered_gp_practice)]
        if user.registered_gp_practice
        else None,
    )


def communication(user: ServiceUser) -> list[FhirJson] | None:
    """Patient.communication: the first language (BCP 47), preferred."""
    if user.first_language is None:
        return None
    language = {"coding": [{"system": LANGUAGE_SYSTEM, "code": user.first_language}]}
    return [{"language": language, "preferred": True}]


def organization(ctx: Context, organisation: Organisation) -> FhirJson:
    """Organization: ODS code, name, the kind of service, contacts, single point of contact."""
    return resource(
        "Organization",
        ctx,
        organisation.ods_code,
        text=brief(f"{organisation.name} [{organisation.ods_code}], {words(organisation.kind)}"),
        extension=extensions(
            extension("single-point-of-contact", "valueString", organisation.single_point_of_contact)
        ),
        identifier=[{"system": ODS_SYSTEM, "value": organisation.ods_code}],
        type=[{"coding": [ctx.terminology.coding(organisation.kind)]}],
        name=organisation.name,
        telecom=telecom(organisation.phone, organisation.email),
        address=[address(organisation.address, "work")] if organisation.address else None,
    )


def practitioner(ctx: Context, member: CareTeamMember) -> FhirJson:
    """Practitioner: the person, with their professional registration when known."""
    return resource(
        "Practitioner",
        ctx,
        member.id,
        text=brief(person(member.name)),
        identifier=[other_identifier(ctx, member.professional_id)] if member.professional_id else None,
        name=[human_name(member.name)] if member.name else None,
    )


def role_concepts(ctx: Context, member: CareTeamMember) -> list[FhirJson]:
    """One CodeableConcept per role: our care-team-role code, plus SNOMED CT where one exists."""
    return [ctx.terminology.concept(role, ROLE_MAP) for role in member.roles]


def practitioner_role(ctx: Context, member: CareTeamMember) -> FhirJson:
    """PractitionerRole: the member's roles at their organisation; it carries the member's local id."""
    return resource(
        "PractitionerRole",
        ctx,
        member.id,
        text=brief(
            f"{person(member.name)}: {', '.join(words(r) for r in member.roles)} at {member.organisation}"
        ),
        identifier=[local_identifier("PractitionerRole", member.id)],
        period=period(member.start, member.end),
        practitioner=ctx.ref("Practitioner", member.id),
        organization=ctx.ref("Organization", member.organisation),
        code=role_concepts(ctx, member),
        telecom=telecom(member.phone, member.email),
    )
