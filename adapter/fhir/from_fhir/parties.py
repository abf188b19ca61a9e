"""Who the record is about and who works with them: Patient, Organization, Practitioner(Role), CareTeam."""

from __future__ import annotations

from adapter.fhir.extensions import (
    INTERPRETER_REQUIRED,
    PATIENT_EXTENSIONS,
    UK_CORE_ETHNIC_CATEGORY_EXTENSION,
)
from adapter.fhir.from_fhir.context import Import, period_day
from adapter.fhir.from_fhir.extensions import ExtensionReader
from adapter.fhir.from_fhir.node import Node
from adapter.fhir.references import Target
from adapter.model.circumstance_codes import LANGUAGE_SYSTEM, EthnicCategory
from adapter.model.codes import OrganisationKind, Role
from adapter.model.identifiers import NHS_NUMBER_SYSTEM, ODS_SYSTEM, PNC_ID_SYSTEM, PRISON_NUMBER_SYSTEM
from adapter.types import FhirJson
from adapter.urls import LOCAL_ID_SYSTEMS, extension_url

ROLE_MAP = "care-team-role-to-snomed"
KIND_MAP = "ods-role-to-organisation-kind"
_MEMBER_TYPES = ("PractitionerRole", "Practitioner")
_USER_SYSTEMS = {
    NHS_NUMBER_SYSTEM: "nhs_number",
    PRISON_NUMBER_SYSTEM: "prison_number",
    PNC_ID_SYSTEM: "pnc_id",
}


def person_name(imp: Import, names: list[Node], canonical: str) -> FhirJson | None:
    if not names:
        return None
    name = names[0]
    if imp.foreign and not (name.data.get("given") and name.data.get("family")):
        # The record needs given and family names; a partial name (a family name alone, text only) is
        # not made whole by guessing: it stays unread, so it is reported, and the name is not stated.
        return None
    name.take("use", "text")
    out: FhirJson = {}
    imp.put(out, canonical, "given", name.items("given"), f"{name.path}.given")
    imp.put(out, canonical, "family", name.value("family"), f"{name.path}.family")
    imp.put(out, canonical, "prefix", name.item("prefix", 0), f"{name.path}.prefix")
    return out


def address(imp: Import, addresses: list[Node], canonical: str) -> FhirJson | None:
    if not addresses:
        return None
    node = addresses[0]
    node.take("use")
    out: FhirJson = {}
    imp.put(out, canonical, "lines", node.items("line"), f"{node.path}.line")
    imp.put(out, canonical, "city", node.value("city"), f"{node.path}.city")
    imp.put(out, canonical, "district", node.value("district"), f"{node.path}.district")
    imp.put(out, canonical, "postcode", node.value("postalCode"), f"{node.path}.postalCode")
    return out


def telecom(imp: Import, node: Node, out: FhirJson, canonical: str, systems: tuple[str, ...]) -> None:
    for system in systems:
        for point in node.children("telecom"):
            if point.data.get("system") == system:
                point.take("system", "use")
                imp.put(out, canonical, system, point.value("value"), f"{point.path}.value")
                break


class Parties:
    """Organisations and care-team members, each mapped once however often it is referenced."""

    def __init__(self, imp: Import) -> None:
        self.imp = imp
        self.organisations: list[FhirJson] = []
        self.members: list[FhirJson] = []
        self._ods: dict[int, str | None] = {}
        self._member_ids: dict[int, str | None] = {}

    # Organisations ---------------------------------------------------------------------------
    def organisation(self, target: Target) -> str | None:
        """The ODS code of an Organization resource (mapping it the first time)."""
        if id(target) in self._ods:
            return self._ods[id(target)]
        imp = self.imp
        node = imp.node(target)
        canonical = f"organisations[{len(self.organisations)}]"
        imp.where[canonical] = node.path
        out: FhirJson = {}
        ods = None
        for identifier in node.children("identifier"):
            if identifier.data.get("system") == ODS_SYSTEM and ods is None:
                identifier.take("system", "use")
                ods = identifier.value("value")
                imp.put(out, canonical, "ods_code", ods, f"{identifier.path}.value")
        if ods is None:
            imp.where[f"{canonical}.ods_code"] = f"{node.path}.identifier"
        imp.put(out, canonical, "name", node.value("name"), f"{node.path}.name")
        kinds = [c for t in node.children("type") for c in t.children("coding")]
        kind = imp.code_in(kinds, OrganisationKind)
        if kind is None and imp.foreign:
            kind = imp.infer(kinds, KIND_MAP)
        imp.put(out, canonical, "kind", kind, f"{node.path}.type")
        imp.put(
            out,
            canonical,
            "address",
            address(imp, node.children("address"), f"{canonical}.address"),
            f"{node.path}.address",
        )
        telecom(imp, node, out, canonical, ("phone", "email"))
        imp.put(
            out,
            canonical,
            "single_point_of_contact",
            node.ext_value(extension_url("single-point-of-contact"), "valueString"),
            node.ext_path(extension_url("single-point-of-contact")),
        )
        self.organisations.append(out)
        self._ods[id(target)] = ods if isinstance(ods, str) else None
        return self._ods[id(target)]

    def organisation_ref(self, reference: Node | None, source: Target) -> str | None:
        target = self.imp.resolve(reference, source, ("Organization",))
        return None if target is None else self.organisation(target)

    # Care-team members ----------------------------------------------------------------------
    def member_ref(self, reference: Node | None, source: Target) -> str | None:
        """The member id behind a Reference(PractitionerRole | Practitioner)."""
        target = self.imp.resolve(reference, source, _MEMBER_TYPES)
        return None if target is None else self.member(target)

    def member(self, target: Target, participant: Node | None = None) -> str | None:
        if id(target) in self._member_ids:
            return self._member_ids[id(target)]
        if target.resource_type == "Practitioner":
            role = self._role_of(target)
            if role is not None:
                found = self.member(role, participant)
                self._member_ids[id(target)] = found
                return found
        return self._new_member(target, participant)

    def _role_of(self, practitioner: Target) -> Target | None:
        for role in self.imp.resolver.of_type("PractitionerRole"):
            link = role.resource.get("practitioner")
            ref = link.get("reference") if isinstance(link, dict) else None
            if isinstance(ref, str) and self.imp.resolver.resolve(ref, role) is practitioner:
                return role
        return None

    def _new_member(self, target: Target, participant: Node | None) -> str | None:
        imp = self.imp
        canonical = f"care_team[{len(self.members)}]"
        node = imp.node(target)
        imp.where[canonical] = node.path
        out: FhirJson = {}
        self.members.append(out)
        member_id = _local_id(node, "PractitionerRole") or target.resource.get("id")
        self._member_ids[id(target)] = member_id if isinstance(member_id, str) else None
        imp.put(out, canonical, "id", member_id, f"{node.path}.id")
        if target.resource_type == "PractitionerRole":
            person = imp.resolve(node.child("practitioner"), target, ("Practitioner",))
            if person is not None:
                self._member_ids[id(person)] = self._member_ids[id(target)]
            roles_node, org_ref, period_node = node, node.child("organization"), node.child("period")
            telecom(imp, node, out, canonical, ("phone", "email"))
        else:
            person, roles_node, org_ref, period_node = target, None, None, None
        roles = [imp.code(c, Role, ROLE_MAP) for c in roles_node.children("code")] if roles_node else []
        if participant is not None:
            extra = [imp.code(c, Role, ROLE_MAP) for c in participant.children("role")]
            roles = roles or extra
            org_ref = org_ref or participant.child("onBehalfOf")
            period_node = period_node or participant.child("period")
        imp.put(out, canonical, "roles", [r for r in roles if r], f"{node.path}.code")
        imp.put(
            out,
            canonical,
            "organisation",
            self.organisation_ref(org_ref, target),
            f"{node.path}.organization",
        )
        if period_node is not None:
            imp.put(
                out, canonical, "start", period_day(period_node, "start", imp), f"{period_node.path}.start"
            )
            imp.put(out, canonical, "end", period_day(period_node, "end", imp), f"{period_node.path}.end")
        if person is not None:
            self._person(person, out, canonical)
        else:
            imp.where[f"{canonical}.name"] = f"{node.path}.practitioner"
        return self._member_ids[id(target)]

    def _person(self, person: Target, out: FhirJson, canonical: str) -> None:
        imp = self.imp
        node = imp.node(person)
        imp.put(
            out,
            canonical,
            "name",
            person_name(imp, node.children("name"), f"{canonical}.name"),
            f"{node.path}.name",
        )
        identifiers = node.children("identifier")
        if identifiers:
            imp.put(
                out,
                canonical,
                "professional_id",
                self.other_identifier(identifiers[0], person, f"{canonical}.professional_id"),
                identifiers[0].path,
            )

    def other_identifier(self, node: Node, source: Target, canonical: str) -> FhirJson:
        node.take("use", "type")
        out: FhirJson = {}
        self.imp.put(out, canonical, "system", node.value("system"), f"{node.path}.system")
        self.imp.put(out, canonical, "value", node.value("value"), f"{node.path}.value")
        self.imp.put(
            out,
            canonical,
            "assigner",
            self.organisation_ref(node.child("assigner"), source),
            f"{node.path}.assigner",
        )
        return out

    def care_team(self, target: Target) -> None:
        """Members in the order of the CareTeam's participants (the service user is skipped)."""
        node = self.imp.node(target)
        # R4 CareTeam.status is a modifier: only an active team is the plan's team as it stands. Any
        # other status stays unread, and the import refuses it by name (adapter.fhir.from_fhir.meaning).
        if node.data.get("status") == "active":
            node.take("status")
        node.take("subject", "name")
        for managing in node.children("managingOrganization"):
            # The record keeps the team's organisations with its members: a managing organisation that
            # is one of the input's organisations is carried there; any other is reported.
            if self.organisation_ref(managing, target) is not None:
                managing.take()
        self.imp.fixed_all(node.children("category"), "care-team-category")
        for participant in node.children("participant"):
            # A related person or another team is no member of the record: resolve leaves it unread.
            member = self.imp.resolve(participant.child("member"), target, ("Patient", *_MEMBER_TYPES))
            if member is None:
                continue
            if member.resource_type == "Patient":
                for role in participant.children("role"):
                    self.imp.fixed(role, "patient-role")
                continue
            self.member(member, participant)
            for role in participant.children("role"):
                self.imp.code(role, Role, ROLE_MAP)
            participant.take("period")


def _local_id(node: Node, resource_type: str) -> str | None:
    for identifier in node.children("identifier"):
        if identifier.data.get("system") == LOCAL_ID_SYSTEMS[resource_type]:
            identifier.take("system")
            value = identifier.value("value")
            return value if isinstance(value, str) else None
    return None


def local_id(node: Node, resource_type: str) -> str | None:
    """The record-local id written under our identifier system, else the resource id."""
    found = _local_id(node, resource_type)
    resource_id = node.data.get("id")
    return found if found is not None else resource_id if isinstance(resource_id, str) else None


def uk_core_ethnic_category(imp: Import, node: Node, out: FhirJson) -> None:
    """The ethnic category from UK Core's own extension (as we and other systems write it): its England
    coding is the model's (the same CodeSystem). Any other coding (Wales) has nowhere to go: it stays
    unread and is reported."""
    found = node.extension(UK_CORE_ETHNIC_CATEGORY_EXTENSION)
    concept = found.child("valueCodeableConcept") if found is not None else None
    if found is None or concept is None:
        return
    concept.take("text")
    code = imp.code(concept, EthnicCategory)
    imp.put(out, "service_user", "ethnic_category", code, f"{concept.path}.coding")


def first_language(imp: Import, node: Node, out: FhirJson) -> None:
    """The first language: the preferred Patient.communication (or the only one), in BCP 47. Another
    language, or another coding, has nowhere to go: it stays unread and is reported."""
    languages = node.children("communication")
    chosen = [c for c in languages if c.data.get("preferred") is True] or languages[:1]
    if not chosen:
        return
    entry = chosen[0]
    entry.take("preferred")
    language = entry.child("language")
    codings = language.children("coding") if language is not None else []
    for coding in codings:
        if coding.data.get("system") == LANGUAGE_SYSTEM:
            coding.take("system", "display")
            imp.put(out, "service_user", "first_language", coding.value("code"), f"{coding.path}.code")
            return
    imp.put(out, "service_user", "first_language", None, f"{entry.path}.language")


def service_user(imp: Import, parties: Parties, target: Target) -> FhirJson:
    """The Patient as the canonical service user."""
    node = imp.node(target)
    imp.where["service_user"] = node.path
    out: FhirJson = {}
    others: list[FhirJson] = []
    for identifier in node.children("identifier"):
        field = _USER_SYSTEMS.get(str(identifier.data.get("system")))
        if field is not None and field not in out:
            identifier.take("system", "use")
            imp.put(out, "service_user", field, identifier.value("value"), f"{identifier.path}.value")
        else:
            canonical = f"service_user.other_identifiers[{len(others)}]"
            imp.where[canonical] = identifier.path
            others.append(parties.other_identifier(identifier, target, canonical))
    imp.put(out, "service_user", "other_identifiers", others, f"{node.path}.identifier")
    imp.put(
        out,
        "service_user",
        "name",
        person_name(imp, node.children("name"), "service_user.name"),
        f"{node.path}.name",
    )
    imp.put(out, "service_user", "birth_date", node.value("birthDate"), f"{node.path}.birthDate")
    imp.put(out, "service_user", "gender", node.value("gender"), f"{node.path}.gender")
    imp.put(
        out,
        "service_user",
        "address",
        address(imp, node.children("address"), "service_user.address"),
        f"{node.path}.address",
    )
    telecom(imp, node, out, "service_user", ("phone",))
    ExtensionReader(imp, parties, target).read(node, PATIENT_EXTENSIONS, out, "service_user")
    interpreter = node.extension(INTERPRETER_REQUIRED)
    imp.put(
        out,
        "service_user",
        "interpreter_required",
        interpreter.value("valueBoolean") if interpreter is not None else None,
        interpreter.path if interpreter is not None else node.ext_path(INTERPRETER_REQUIRED),
    )
    uk_core_ethnic_category(imp, node, out)
    first_language(imp, node, out)
    practices = node.children("generalPractitioner")
    if practices:
        imp.put(
            out,
            "service_user",
            "registered_gp_practice",
            parties.organisation_ref(practices[0], target),
            practices[0].path,
        )
    return out
