"""The resources around the plan: care team, goals, needs, episode, consents and provenance."""

from __future__ import annotations

from adapter.fhir.extensions import EPISODE_EXTENSIONS, GOAL_MILESTONE
from adapter.fhir.narrative import brief, person, words
from adapter.fhir.to_fhir.context import (
    Context,
    day,
    extension,
    extensions,
    instant,
    local_identifier,
    period,
    resource,
)
from adapter.fhir.to_fhir.extensions import write
from adapter.fhir.to_fhir.people import role_concepts
from adapter.model.codes import ConsentDecision, Domain, DomainArea
from adapter.model.record import ConsentToShare, Goal, Need
from adapter.types import FhirJson
from adapter.urls import CONSENT_REFUSAL_PROFILE, STRUCTURE_DEFINITION_BASE


def care_team(ctx: Context) -> FhirJson:
    """CareTeam (CareCoordinationTeam): the service user first, then every member's role."""
    record = ctx.record
    participants = [
        {"role": [{"coding": [ctx.terminology.fixed("patient-role")]}], "member": ctx.ref("Patient")}
    ]
    participants += [
        {
            "role": role_concepts(ctx, member),
            "member": ctx.ref("PractitionerRole", member.id),
            **({"period": p} if (p := period(member.start, member.end)) else {}),
        }
        for member in record.care_team
    ]
    names = [f"{person(m.name)} ({', '.join(words(r) for r in m.roles)})" for m in record.care_team]
    return resource(
        "CareTeam",
        ctx,
        text=brief(f"Care team of {person(record.service_user.name)}: {'; '.join(names)}"),
        status="active",
        category=[{"coding": [ctx.terminology.fixed("care-team-category")]}],
        subject=ctx.ref("Patient"),
        participant=participants,
        managingOrganization=[ctx.ref("Organization", record.episode.provider)] if record.episode else None,
    )


def _domain_categories(ctx: Context, domain: Domain, area: DomainArea | None) -> list[FhirJson]:
    categories = [{"coding": [ctx.terminology.coding(domain)]}]
    if area is not None:
        categories.append({"coding": [ctx.terminology.coding(area)]})
    return categories


def goal(ctx: Context, treatment_goal: Goal) -> FhirJson:
    """Goal (TreatmentGoal): domain and area as categories, progress as achievementStatus."""
    progress = treatment_goal.progress
    return resource(
        "Goal",
        ctx,
        treatment_goal.id,
        text=brief(
            f"Goal ({words(treatment_goal.domain)}): {treatment_goal.description}"
            f"; {treatment_goal.status.value}"
            + (f", target {treatment_goal.target_date.isoformat()}" if treatment_goal.target_date else "")
        ),
        extension=write(ctx, (GOAL_MILESTONE,), treatment_goal),
        identifier=[local_identifier("Goal", treatment_goal.id)],
        lifecycleStatus=treatment_goal.status.value,
        achievementStatus={
            "coding": [
                ctx.terminology.coding_in(
                    "http://terminology.hl7.org/CodeSystem/goal-achievement", progress.value
                )
            ]
        }
        if progress
        else None,
        category=_domain_categories(ctx, treatment_goal.domain, treatment_goal.area),
        description={"text": treatment_goal.description},
        subject=ctx.ref("Patient"),
        startDate=day(treatment_goal.start),
        target=[{"dueDate": day(treatment_goal.target_date)}] if treatment_goal.target_date else None,
        addresses=[ctx.ref("Condition", need) for need in treatment_goal.addresses],
        note=[
            {
                **({"authorReference": ctx.ref("Practitioner", note.author)} if note.author else {}),
                "time": day(note.recorded_on),
                "text": note.text,
            }
            for note in treatment_goal.progress_notes
        ],
    )


def need(ctx: Context, assessed_need: Need) -> FhirJson:
    """Condition (AssessedNeed): a need in one domain, described in words."""
    return resource(
        "Condition",
        ctx,
        assessed_need.id,
        text=brief(f"Need ({words(assessed_need.domain)}): {assessed_need.description}"),
        extension=extensions(
            extension("immediate-need", "valueBoolean", True if assessed_need.immediate else None)
        ),
        identifier=[local_identifier("Condition", assessed_need.id)],
        clinicalStatus={"coding": [ctx.terminology.fixed("need-clinical-status")]},
        category=[
            {"coding": [ctx.terminology.fixed("need-category")]},
            *_domain_categories(ctx, assessed_need.domain, assessed_need.area),
        ],
        code={"text": assessed_need.description},
        subject=ctx.ref("Patient"),
        recordedDate=day(assessed_need.assessed_on),
    )


def episode_of_care(ctx: Context) -> FhirJson | None:
    """EpisodeOfCare (TreatmentEpisodeOfCare): the structured-treatment episode at the provider."""
    episode = ctx.record.episode
    if episode is None:
        return None
    return resource(
        "EpisodeOfCare",
        ctx,
        episode.id,
        text=brief(
            f"Treatment episode at {episode.provider} from {episode.start.isoformat()}"
            f", {episode.status.value}"
        ),
        extension=extensions(
            extension(
                "referral-source",
                "valueReference",
                ctx.ref("Organization", episode.referral_source) if episode.referral_source else None,
            ),
            extension("triage-date", "valueDate", day(episode.triage_date)),
        )
        + write(ctx, EPISODE_EXTENSIONS, episode),
        identifier=[local_identifier("EpisodeOfCare", episode.id)],
        status=episode.status.value,
        patient=ctx.ref("Patient"),
        managingOrganization=ctx.ref("Organization", episode.provider),
        period=period(episode.start, episode.end),
        team=[ctx.ref("CareTeam")] if ctx.record.care_team else None,
    )


def consent(ctx: Context, consent_to_share: ConsentToShare) -> FhirJson:
    """Consent (ConsentToShare): permit sharing with the named organisations for the named purposes;
    a refusal (ConsentRefusal) denies it, and says so in its type and its narrative."""
    performers = [ctx.ref("Patient")]
    if consent_to_share.recorded_by:
        performers.append(ctx.ref("PractitionerRole", consent_to_share.recorded_by))
    recipient_role = {"coding": [ctx.terminology.fixed("consent-recipient-role")]}
    provision = {
        "type": consent_to_share.decision.value,
        "period": period(consent_to_share.start, consent_to_share.end),
        "actor": [
            {"role": recipient_role, "reference": ctx.ref("Organization", ods)}
            for ods in consent_to_share.organisations
        ],
        "purpose": [ctx.terminology.coding(purpose) for purpose in consent_to_share.purposes],
    }
    refusal = consent_to_share.decision is ConsentDecision.DENY
    what = "Refusal of consent" if refusal else "Consent"
    body = resource(
        "Consent",
        ctx,
        consent_to_share.id,
        text=brief(
            f"{what} ({consent_to_share.status.value})"
            f" to share with {', '.join(consent_to_share.organisations)}"
            f" for {', '.join(words(p) for p in consent_to_share.purposes)},"
            f" from {consent_to_share.start.isoformat()}"
        ),
        identifier=[local_identifier("Consent", consent_to_share.id)],
        status=consent_to_share.status.value,
        scope={"coding": [ctx.terminology.fixed("consent-scope")]},
        category=[{"coding": [ctx.terminology.fixed("consent-category")]}],
        patient=ctx.ref("Patient"),
        dateTime=day(consent_to_share.signed_on),
        performer=performers,
        policyRule={"coding": [ctx.terminology.fixed("consent-policy-rule")]},
        provision=provision,
    )
    if refusal:
        body["meta"] = {"profile": [STRUCTURE_DEFINITION_BASE + CONSENT_REFUSAL_PROFILE]}
    return body


def provenance(ctx: Context) -> FhirJson | None:
    """Provenance (CarePlanProvenance): when the holding system recorded the plan, and who wrote it.
    Written only when the record says when (Provenance.recorded is required)."""
    record = ctx.record
    if record.recorded_at is None:
        return None
    plan = record.plan
    if plan.author:
        who = ctx.ref("PractitionerRole", plan.author)
    else:
        holder = record.episode.provider if record.episode else record.organisations[0].ods_code
        who = ctx.ref("Organization", holder)
    targets = [ctx.ref("CarePlan")]
    targets += [ctx.ref("Goal", g.id) for g in plan.goals]
    targets += [ctx.ref("Condition", n.id) for n in plan.needs]
    return resource(
        "Provenance",
        ctx,
        text=brief(f"Care plan {plan.id} as recorded at {instant(record.recorded_at)}"),
        target=targets,
        recorded=instant(record.recorded_at),
        agent=[{"type": {"coding": [ctx.terminology.fixed("provenance-author")]}, "who": who}],
    )
