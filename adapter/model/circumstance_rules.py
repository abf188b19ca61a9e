"""Impossible states of the client's own record (:mod:`adapter.model.circumstances`).

Each rule is derived from what the fields mean, and yields ``(path, message)`` for every breach, as
:mod:`adapter.model.rules` does (which runs them with the rest):

- a pregnancy for a client whose sex registered at birth is male; an expected delivery date for a
  client recorded as not pregnant, or one before the day the pregnancy was recorded. Administrative
  gender (Patient.gender) decides nothing here: a man may be pregnant (seed 003, role 2 asks the plan
  to reflect gender, which is not sex);
- injecting: "never injected" beside sharing of injecting equipment, beside a substance taken by
  injection, or beside a drug-use profile that says the client has injected; currently sharing while
  not currently injecting; currently sharing but never shared;
- a blood-borne virus result without a test, or a test without its result (``awaited`` until known);
- a disability list that says "none" or "declined" beside a disability;
- treatment history: episodes listed for a client never previously treated; an episode ending before
  it starts, or starting after the current episode began;
- waiting times (NDTMS): a first appointment offered, a triage or a treatment start before the
  referral was received;
- any of these dates before the client was born.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from adapter.model.circumstance_codes import (
    Disability,
    InjectingStatus,
    SexAtBirth,
    VirusTesting,
)
from adapter.model.codes import RouteOfUse

if TYPE_CHECKING:
    from adapter.model.record import ClientRecord

Problem = tuple[str, str]


def _pregnancy(record: ClientRecord) -> Iterator[Problem]:
    pregnancy = record.plan.pregnancy
    if pregnancy is None:
        return
    if pregnancy.pregnant and record.service_user.sex_at_birth is SexAtBirth.MALE:
        yield (
            "plan.pregnancy.pregnant",
            "a pregnancy is recorded for a client whose sex registered at birth is male: check that "
            "this is the right client's record",
        )
    if pregnancy.expected_delivery is not None:
        if not pregnancy.pregnant:
            yield (
                "plan.pregnancy.expected_delivery",
                "an expected delivery date is given for a client recorded as not pregnant",
            )
        elif pregnancy.expected_delivery < pregnancy.recorded_on:
            yield (
                "plan.pregnancy.expected_delivery",
                f"the expected delivery ({pregnancy.expected_delivery}) is before the pregnancy was "
                f"recorded ({pregnancy.recorded_on})",
            )


def _injecting(record: ClientRecord) -> Iterator[Problem]:
    injecting = record.plan.injecting
    if injecting is None:
        return
    never = injecting.status is InjectingStatus.NEVER
    if never and (injecting.ever_shared or injecting.currently_sharing):
        yield "plan.injecting.status", "'never injected' but sharing of injecting equipment is recorded"
    if injecting.currently_sharing and injecting.status is not InjectingStatus.CURRENTLY:
        yield (
            "plan.injecting.currently_sharing",
            f"currently sharing injecting equipment but the injecting status is '{injecting.status}'",
        )
    if injecting.currently_sharing and injecting.ever_shared is False:
        yield "plan.injecting.ever_shared", "currently sharing but recorded as never having shared"
    if not never:
        return
    for i, use in enumerate(record.plan.substance_use):
        if use.route is RouteOfUse.INJECTING:
            yield (
                f"plan.substance_use[{i}].route",
                f"{use.substance} is taken by injecting but the injecting status is 'never'",
            )
        if use.injected_ever:
            yield (
                f"plan.substance_use[{i}].injected_ever",
                f"{use.substance} has been injected but the injecting status is 'never'",
            )


def _virus_tests(record: ClientRecord) -> Iterator[Problem]:
    viruses = record.plan.blood_borne_viruses
    if viruses is None:
        return
    for name, test in (("hepatitis_c", viruses.hepatitis_c), ("hiv", viruses.hiv)):
        if test is None:
            continue
        path = f"plan.blood_borne_viruses.{name}.result"
        tested = test.status is VirusTesting.TESTED
        if tested and test.result is None:
            yield path, "a test is recorded without its result ('awaited' until it is known)"
        if not tested and test.result is not None:
            yield path, f"a result is given but the client was not tested ('{test.status}')"


def _disabilities(record: ClientRecord) -> Iterator[Problem]:
    found = record.service_user.disabilities
    for i, code in enumerate(found):
        if code in (Disability.NONE, Disability.DECLINED) and len(found) > 1:
            yield f"service_user.disabilities[{i}]", f"'{code}' cannot stand beside another disability code"


def _treatment_history(record: ClientRecord) -> Iterator[Problem]:
    episode = record.episode
    history = episode.treatment_history if episode else None
    if episode is None or history is None:
        return
    if not history.previously_treated and history.episodes:
        yield (
            "episode.treatment_history.previously_treated",
            "previous treatment episodes are listed for a client recorded as never previously treated",
        )
    for i, earlier in enumerate(history.episodes):
        path = f"episode.treatment_history.episodes[{i}]"
        if earlier.start and earlier.end and earlier.end < earlier.start:
            yield f"{path}.end", f"the episode ends ({earlier.end}) before it starts ({earlier.start})"
        if earlier.start and earlier.start > episode.start:
            yield (
                f"{path}.start",
                f"a previous episode cannot start ({earlier.start}) after this episode began "
                f"({episode.start})",
            )


def _waiting_times(record: ClientRecord) -> Iterator[Problem]:
    episode = record.episode
    if episode is None or episode.referral_received is None:
        return
    for field in ("first_appointment_offered", "triage_date", "treatment_start"):
        value: date | None = getattr(episode, field)
        if value is not None and value < episode.referral_received:
            yield (
                f"episode.{field}",
                f"{field.replace('_', ' ')} ({value}) is before the referral was received "
                f"({episode.referral_received})",
            )


def _dated(record: ClientRecord) -> Iterator[tuple[str, date | None]]:
    plan, episode = record.plan, record.episode
    if plan.circumstances:
        yield "plan.circumstances.assessed_on", plan.circumstances.assessed_on
    if plan.pregnancy:
        yield "plan.pregnancy.recorded_on", plan.pregnancy.recorded_on
    if plan.injecting:
        yield "plan.injecting.recorded_on", plan.injecting.recorded_on
    viruses = plan.blood_borne_viruses
    if viruses:
        for name, entry in (
            ("hepatitis_b", viruses.hepatitis_b),
            ("hepatitis_c", viruses.hepatitis_c),
            ("hiv", viruses.hiv),
        ):
            if entry is not None:
                yield f"plan.blood_borne_viruses.{name}.on", entry.on
    if episode:
        yield "episode.referral_received", episode.referral_received
        yield "episode.first_appointment_offered", episode.first_appointment_offered
        yield "episode.treatment_start", episode.treatment_start
        if episode.treatment_history:
            for i, earlier in enumerate(episode.treatment_history.episodes):
                yield f"episode.treatment_history.episodes[{i}].start", earlier.start


def _not_before_birth(record: ClientRecord) -> Iterator[Problem]:
    born = record.service_user.birth_date
    if born is None:
        return
    for path, value in _dated(record):
        if value is not None and value < born:
            yield path, f"{value} is before the client was born ({born})"


CIRCUMSTANCE_RULES = (
    _pregnancy,
    _injecting,
    _virus_tests,
    _disabilities,
    _treatment_history,
    _waiting_times,
    _not_before_birth,
)
"""The rules of the client's own record, run by :func:`adapter.model.rules.record_problems`."""
