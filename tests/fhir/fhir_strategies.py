"""Hypothesis strategies for whole client records that respect the model's cross-field rules.

``client_records(full=True)`` populates every optional field and every list (the lossless test must
see each field travel); ``full=False`` leaves optional parts out at random. Text is any unicode
except what a FHIR string cannot hold (control characters, lone surrogates, whitespace other than
space, tab, CR and LF; U+FFFE and U+FFFF, which XML cannot carry);
dates run from 0001-01-01 to 9999-12-31 with leap days favoured; instants carry UTC offsets.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, TypeVar

from hypothesis import strategies as st

from adapter.model import ClientRecord
from adapter.model import codes as c
from adapter.model.coordination import CareManagerLimb
from adapter.model.identifiers import is_valid_pnc_id
from adapter.model.top import TopStage

T = TypeVar("T")

EDGE_DATES = [date(1, 1, 1), date(9999, 12, 31), date(2024, 2, 29), date(2000, 2, 29), date(1900, 3, 1)]
FIRST, LAST = date(1, 1, 1), date(9999, 12, 31)
# Doses whose text matters: trailing zeros, exponents, more digits than a float holds.
DOSE_EDGES = [
    Decimal("1.50"),
    Decimal("60.0"),
    Decimal("1E+2"),
    Decimal("2.5E-7"),
    Decimal("100000000000000000000.000000001"),
]

# FHIR strings allow no whitespace but space, tab, CR and LF ([ \r\n\t\S]+), and no other control characters.
text = st.text(
    st.characters(
        exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"),
        include_characters=" ",
        exclude_characters="\ufffe\uffff",
    ),
    min_size=1,
    max_size=8,
).filter(lambda s: not s.isspace())
local_ids = st.from_regex(r"[A-Za-z0-9\-.]{1,12}", fullmatch=True)
ods_codes = st.from_regex(r"[A-Z0-9]{3,10}", fullmatch=True)


def stated(values: Any) -> list[Any]:
    """The codes of an enum but "not-stated", which only a plan imported for review may carry."""
    return [v for v in values if v != c.NOT_STATED]


def dates(lo: date = FIRST, hi: date = LAST) -> st.SearchStrategy[date]:
    edges = [d for d in EDGE_DATES if lo <= d <= hi] + [lo, hi]
    return st.one_of(st.sampled_from(edges), st.dates(min_value=lo, max_value=hi))


offsets = st.integers(min_value=-14 * 4, max_value=14 * 4).map(lambda q: timezone(timedelta(minutes=15 * q)))
instants = st.builds(
    lambda moment, tz: moment.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
    offsets,
)


@st.composite
def nhs_numbers(draw: st.DrawFn) -> str:
    digits = draw(st.lists(st.integers(0, 9), min_size=9, max_size=9))
    check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    if check == 10:
        digits[0] = (digits[0] + 1) % 10
        return draw(nhs_numbers())
    return "".join(map(str, digits)) + str(check)


@st.composite
def pnc_ids(draw: st.DrawFn) -> str:
    year = draw(st.integers(1950, 2099))
    serial = draw(st.integers(1, 9_999_999))
    letter = "ZABCDEFGHJKLMNPQRTUVWXY"[int(f"{year % 100:02d}{serial:07d}") % 23]
    value = f"{year}/{serial:07d}{letter}"
    assert is_valid_pnc_id(value)
    return value


class Builder:
    """Draws one record; ``full`` populates every optional field."""

    def __init__(self, draw: st.DrawFn, full: bool) -> None:
        self.draw = draw
        self.full = full

    def opt(self, strategy: st.SearchStrategy[T]) -> T | None:
        return self.draw(strategy) if self.full or self.draw(st.booleans()) else None

    def some(self, strategy: st.SearchStrategy[T], max_size: int = 2) -> list[T]:
        return self.draw(st.lists(strategy, min_size=1 if self.full else 0, max_size=max_size))

    def name(self) -> dict[str, Any]:
        return {
            "given": self.draw(st.lists(text, min_size=1, max_size=2)),
            "family": self.draw(text),
            "prefix": self.opt(text),
        }

    def address(self) -> dict[str, Any] | None:
        return self.opt(
            st.fixed_dictionaries(
                {
                    "lines": st.lists(text, min_size=1 if self.full else 0, max_size=2),
                    "city": text,
                    "district": text,
                    "postcode": text,
                }
            )
        )

    def between(self, lo: date, hi: date = LAST) -> date:
        return self.draw(dates(lo, hi))

    def period(self, lo: date) -> tuple[date | None, date | None]:
        start = self.opt(dates(lo))
        end = self.opt(dates(start or lo))
        return start, end


def _clean(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return data


@st.composite
def client_records(draw: st.DrawFn, full: bool = True) -> ClientRecord:
    b = Builder(draw, full)
    pick = lambda values: draw(st.sampled_from(stated(values)))  # noqa: E731
    org_codes = draw(st.lists(ods_codes, min_size=1, max_size=3, unique=True))
    organisations = [
        {
            "ods_code": ods,
            "name": draw(text),
            "kind": pick(c.OrganisationKind),
            "address": b.address(),
            "phone": b.opt(text),
            "email": b.opt(text),
            "single_point_of_contact": b.opt(text),
        }
        for ods in org_codes
    ]
    start = draw(dates(date(1, 1, 2), date(9999, 1, 1)))
    created = draw(dates(FIRST, start))
    member_ids = draw(st.lists(local_ids, min_size=1 if full else 0, max_size=3, unique=True))
    member = lambda: b.opt(st.sampled_from(member_ids)) if member_ids else None  # noqa: E731
    org = lambda: pick(org_codes)  # noqa: E731

    def other_identifier() -> dict[str, Any]:
        return {
            "system": "https://example.org/id/" + draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True)),
            "value": draw(text),
            "assigner": b.opt(st.sampled_from(org_codes)),
        }

    care_team = []
    for member_id in member_ids:
        m_start, m_end = b.period(FIRST)
        care_team.append(
            {
                "id": member_id,
                "name": b.name(),
                "organisation": org(),
                "roles": draw(st.lists(st.sampled_from(stated(c.Role)), min_size=1, max_size=3, unique=True)),
                "professional_id": b.opt(st.just(None).map(lambda _: other_identifier())),
                "phone": b.opt(text),
                "email": b.opt(text),
                "start": m_start,
                "end": m_end,
            }
        )
    service_user = {
        "nhs_number": b.opt(nhs_numbers()),
        "prison_number": b.opt(st.from_regex(r"[A-Z][0-9]{4}[A-Z]{2}", fullmatch=True)),
        "pnc_id": b.opt(pnc_ids()),
        "other_identifiers": b.some(st.just(None).map(lambda _: other_identifier())),
        "name": b.name(),
        "birth_date": draw(dates(FIRST, start)),
        "gender": pick(c.Gender),
        "address": b.address(),
        "phone": b.opt(text),
        "registered_gp_practice": b.opt(st.sampled_from(org_codes)),
    }
    need_ids = draw(st.lists(local_ids, min_size=1 if full else 0, max_size=3, unique=True))
    goal_ids = draw(st.lists(local_ids, min_size=1 if full else 0, max_size=3, unique=True))

    def domain_and_area() -> tuple[str, str | None]:
        area = b.opt(st.sampled_from(list(c.DomainArea)))
        return (c.DOMAIN_OF_AREA[area] if area else pick(c.Domain)), area

    needs = []
    for need_id in need_ids:
        domain, area = domain_and_area()
        needs.append(
            {
                "id": need_id,
                "domain": domain,
                "area": area,
                "description": draw(text),
                "assessed_on": b.opt(dates()),
                "immediate": draw(st.booleans()),
            }
        )
    goals = []
    for goal_id in goal_ids:
        domain, area = domain_and_area()
        g_start = b.opt(dates())
        goals.append(
            {
                "id": goal_id,
                "domain": domain,
                "area": area,
                "description": draw(text),
                "status": pick(c.GoalStatus),
                "progress": b.opt(st.sampled_from(list(c.GoalProgress))),
                "start": g_start,
                "target_date": b.opt(dates(g_start or FIRST)),
                "milestones": b.some(
                    st.builds(
                        lambda d, due, ach: {"description": d, "due": due, "achieved_on": ach},
                        text,
                        st.none() | dates(),
                        st.none() | dates(),
                    )
                ),
                "progress_notes": [
                    {"recorded_on": draw(dates()), "text": draw(text), "author": member()}
                    for _ in range(draw(st.integers(1 if full else 0, 2)))
                ],
                "addresses": draw(st.lists(st.sampled_from(need_ids), unique=True)) if need_ids else [],
            }
        )
    goal_refs = lambda: draw(st.lists(st.sampled_from(goal_ids), unique=True)) if goal_ids else []  # noqa: E731
    actions = [
        {
            "id": f"a{i}-{draw(local_ids)}"[:64],
            "domain": pick(c.Domain),
            "description": draw(text),
            "status": pick(c.ActivityStatus),
            "goals": goal_refs(),
            "responsible_role": pick(c.Role),
            "responsible_organisation": org(),
            "responsible_member": member(),
            "due": b.opt(dates()),
        }
        for i in range(draw(st.integers(1 if full else 0, 2)))
    ]
    interventions = []
    for i in range(draw(st.integers(1 if full else 0, 2))):
        i_start, i_end = b.period(FIRST)
        interventions.append(
            {
                "id": f"i{i}-{draw(local_ids)}"[:64],
                "tier": pick(c.Tier),
                "modality": pick(c.Modality),
                "provider": org(),
                "status": pick(c.ActivityStatus),
                "description": b.opt(text),
                "referred_on": b.opt(dates()),
                "start": i_start,
                "end": i_end,
                "keyworker": member(),
                "goals": goal_refs(),
                "prescribing": b.opt(
                    st.just(None).map(
                        lambda _: {
                            "medicine": draw(
                                st.sampled_from(["Methadone oral solution 1mg/mL", "Buprenorphine 8mg", "x"])
                                | text
                            ),
                            "daily_dose": {
                                "value": draw(
                                    st.sampled_from(DOSE_EDGES)
                                    | st.decimals(
                                        min_value=Decimal("1e-9"),
                                        max_value=Decimal("1e12"),
                                        allow_nan=False,
                                        allow_infinity=False,
                                    )
                                ),
                                "unit": draw(st.sampled_from(["mg", "mL"]) | text),
                            },
                            "last_dose_at": b.opt(instants),
                            "prescriber": member(),
                            "supervised_consumption": b.opt(st.booleans()),
                            "dispensing_pharmacy": b.opt(st.sampled_from(org_codes)),
                        }
                    )
                ),
            }
        )
    signed_user, signed_worker = draw(st.booleans()), draw(st.booleans())
    agreement = {
        "agreed_on": b.opt(dates()),
        "signed_by_service_user": signed_user,
        "service_user_signed_on": b.between(created) if signed_user else None,
        "signed_by_keyworker": signed_worker,
        "keyworker_signed_on": b.between(created) if signed_worker else None,
    }
    end = b.opt(dates(start))
    drr_start, drr_end = b.period(FIRST)
    reception = draw(dates())
    days = st.integers(0, 28)

    def review(top_completed: bool) -> dict[str, Any]:
        """A review; a TOP only when it was completed (the model's rule)."""
        amounts = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
        injecting = draw(days)
        sharing = st.booleans() if injecting else st.just(False)
        top = {
            "stage": b.opt(st.sampled_from(list(TopStage))),
            "alcohol_days": b.opt(days),
            "alcohol_units_per_drinking_day": b.opt(amounts),
            "opiates_days": b.opt(days),
            "opiates_grams_per_day": b.opt(amounts),
            "crack_days": b.opt(days),
            "crack_grams_per_day": b.opt(amounts),
            "cocaine_days": b.opt(days),
            "cocaine_grams_per_day": b.opt(amounts),
            "amphetamines_days": b.opt(days),
            "amphetamines_grams_per_day": b.opt(amounts),
            "cannabis_days": b.opt(days),
            "cannabis_joints_per_day": b.opt(amounts),
            "other_drug_days": b.opt(days),
            "injecting_days": injecting,
            "shared_needle_or_syringe": b.opt(sharing),
            "shared_spoon_water_or_filter": b.opt(sharing),
            "shoplifting_days": b.opt(days),
            "selling_drugs_days": b.opt(days),
            "theft_from_or_of_vehicle": b.opt(st.booleans()),
            "other_property_theft_or_burglary": b.opt(st.booleans()),
            "fraud_forgery_or_handling_stolen_goods": b.opt(st.booleans()),
            "assault_or_violence": b.opt(st.booleans()),
            "paid_work_days": b.opt(days),
            "education_days": b.opt(days),
            "psychological_health": draw(st.integers(0, 20)),
            "physical_health": draw(st.integers(0, 20)),
            "quality_of_life": draw(st.integers(0, 20)),
            "acute_housing_problem": draw(st.booleans()),
            "at_risk_of_eviction": draw(st.booleans()),
        }
        return {
            "date": draw(dates(start)),
            "top_completed": top_completed,
            "top": b.opt(st.just(top)) if top_completed else None,
            "outcome": draw(text),
            "changes_agreed": b.opt(text),
            "reviewer": member(),
        }

    plan = {
        "id": draw(local_ids),
        "kind": pick(c.PlanKind),
        "status": pick(c.PlanStatus),
        "title": b.opt(text),
        "phases": draw(st.lists(st.sampled_from(list(c.Phase)), unique=True, min_size=1 if full else 0)),
        "tier": pick(c.Tier),
        "created": created,
        "start": start,
        "end": end,
        "agreement": agreement,
        "next_review_due": b.opt(dates(start)),
        "author": member(),
        "assessments": [
            {"domain": d, "assessed_on": draw(dates()), "summary": draw(text)}
            for d in draw(st.lists(st.sampled_from(stated(c.Domain)), unique=True, min_size=1 if full else 0))
        ],
        "needs": needs,
        "goals": goals,
        "actions": actions,
        "interventions": interventions,
        "risk": b.opt(
            st.just(None).map(
                lambda _: {
                    "assessed_on": draw(dates()),
                    "level": pick(c.RiskLevel),
                    "areas": draw(
                        st.lists(st.sampled_from(list(c.RiskArea)), unique=True, min_size=1 if full else 0)
                    ),
                    "summary": draw(text),
                    "significant_immediate_risk": draw(st.booleans()),
                    "overdose_risk_on_release": b.opt(st.sampled_from(list(c.RiskLevel))),
                }
            )
        ),
        "risk_management_plan": b.opt(text),
        "complex_needs": draw(st.booleans()),
        "contingency_plan": b.opt(text),
        "crisis_plan": b.opt(text),
        "child_protection": b.opt(
            st.just(None).map(
                lambda _: {
                    "raised_on": draw(dates()),
                    "summary": draw(text),
                    "in_risk_management_plan": draw(st.booleans()),
                    "forum_attended_by": member(),
                }
            )
        ),
        "external_coordination": b.opt(
            st.just(None).map(
                lambda _: {
                    "cpa_level": b.opt(st.sampled_from(list(c.CpaLevel))),
                    "drr": b.opt(st.sampled_from(list(c.DrrKind))),
                    "drr_start": drr_start,
                    "drr_end": drr_end,
                    "community_care_funded": draw(st.booleans()),
                    "care_manager_criteria": b.opt(
                        st.just(None).map(
                            lambda _: {
                                "assessed_on": b.opt(dates()),
                                "limbs": [
                                    {"limb": limb, "met": draw(st.booleans()), "evidence": b.opt(text)}
                                    for limb in draw(
                                        st.lists(
                                            st.sampled_from(list(CareManagerLimb)), unique=True, min_size=1
                                        )
                                    )
                                ],
                            }
                        )
                    ),
                    "dip_client": draw(st.booleans()),
                    "note": b.opt(text),
                }
            )
        ),
        "substance_use": [
            {
                "substance": substance,
                "rank": rank,
                "route": pick(c.RouteOfUse),
                "days_used_last_28": draw(days),
                "age_first_used": b.opt(st.integers(5, 99)),
                "injected_ever": b.opt(st.booleans()),
            }
            for rank, substance in enumerate(
                draw(st.lists(st.sampled_from(list(c.Substance)), unique=True, min_size=1 if full else 0)),
                start=draw(st.integers(1, 3)),
            )
        ],
        "reviews": [
            review(draw(st.booleans()) or full) for _ in range(draw(st.integers(1 if full else 0, 2)))
        ],
        "engagement": [
            {
                "date": draw(dates()),
                "event": pick(c.EngagementEvent),
                "note": b.opt(text),
                "re_engagement_action": b.opt(text),
            }
            for _ in range(draw(st.integers(1 if full else 0, 2)))
        ],
        "closure": b.opt(
            st.just(None).map(
                lambda _: {
                    "kind": pick(c.ClosureKind),
                    "reason": pick(c.ClosureReason),
                    "date": draw(dates(start)),
                    "destination": b.opt(st.sampled_from(org_codes)),
                    "evidence_on_file": draw(st.booleans()),
                    "note": b.opt(text),
                    "follow_up": b.opt(
                        st.just(None).map(
                            lambda _: {
                                "due": draw(dates()),
                                "done_on": b.opt(dates()),
                                "by": member(),
                                "outcome": b.opt(text),
                            }
                        )
                    ),
                }
            )
        ),
        # The co-ordinator is a member: with no team there is no agreement to draw.
        "coordination_agreement": b.opt(
            st.just(None).map(
                lambda _: {
                    "decided_on": draw(dates()),
                    "coordinator": draw(st.sampled_from(member_ids)),
                    "reason": draw(text),
                    "alternative_arrangement": draw(st.booleans()),
                    "decided_by": draw(st.lists(st.sampled_from(member_ids), unique=True, max_size=2)),
                }
            )
        )
        if member_ids
        else None,
        "custody": b.opt(
            st.just(None).map(
                lambda _: {
                    "prison": org(),
                    "reception_date": reception,
                    "release_date": b.opt(dates(reception)),
                    "release_area": b.opt(text),
                    "receiving_cjit": b.opt(st.sampled_from(org_codes)),
                    "first_community_appointment": b.opt(instants),
                }
            )
        ),
        "waiting_duty_of_care": [
            {
                "awaited_agency": org(),
                "referring_agency": org(),
                "triage_agency": org(),
                "recorded_on": draw(dates()),
                "tier_2_services_advised_on": b.opt(dates()),
                "tier_2_services_advised": b.opt(text),
            }
            for _ in range(draw(st.integers(1 if full else 0, 2)))
        ],
        "notes": b.some(text),
    }
    e_start = draw(dates())
    episode = b.opt(
        st.just(None).map(
            lambda _: {
                "id": draw(local_ids),
                "provider": org(),
                "status": pick(c.EpisodeStatus),
                "start": e_start,
                "end": b.opt(dates(e_start)),
                "referral_source": b.opt(st.sampled_from(org_codes)),
                "triage_date": b.opt(dates()),
                "criminal_justice_referral": b.opt(
                    st.fixed_dictionaries(
                        {
                            "date": dates(),
                            "setting": st.sampled_from(list(c.ReferralSetting)),
                            "trigger_offence": text if full else st.none() | text,
                            "drug_test": st.sampled_from(list(c.DrugTestResult)),
                            "required_assessment": st.booleans(),
                        }
                    )
                ),
            }
        )
    )
    consent_ids = draw(st.lists(local_ids, min_size=1 if full else 0, max_size=2, unique=True))
    consents = []
    for consent_id in consent_ids:
        c_start = draw(dates())
        consents.append(
            {
                "id": consent_id,
                "status": pick(c.ConsentStatus),
                "organisations": draw(st.lists(st.sampled_from(org_codes), min_size=1, unique=True)),
                "purposes": draw(st.lists(st.sampled_from(list(c.ConsentPurpose)), min_size=1, unique=True)),
                "start": c_start,
                "end": b.opt(dates(c_start)),
                "signed_on": b.opt(dates()),
                "recorded_by": member(),
            }
        )
    record = {
        "service_user": service_user,
        "organisations": organisations,
        "care_team": care_team,
        "episode": episode,
        "consents": consents,
        "plan": plan,
        "recorded_at": b.opt(instants),
    }
    return ClientRecord.model_validate(_clean(record))
