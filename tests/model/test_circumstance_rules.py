"""The rules of the client's own record (adapter/model/circumstance_rules.py), each with inputs written
from the rule: the impossible state is refused at the field's path, and its possible neighbour passes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from adapter.errors import InvalidRecord
from adapter.model import load_record

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "clients"


def client(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = orjson.loads((FIXTURES / name).read_bytes())
    return copy.deepcopy(loaded)


def refused_at(data: dict[str, Any]) -> list[str | None]:
    with pytest.raises(InvalidRecord) as refused:
        load_record(data)
    return [issue.expression for issue in refused.value.outcome.issues]


# ---- pregnancy ----


def test_an_expected_delivery_needs_a_pregnancy() -> None:
    data = client("01-custody-triage.json")  # recorded not pregnant
    data["plan"]["pregnancy"]["expected_delivery"] = "2027-05-01"
    assert refused_at(data) == ["plan.pregnancy.expected_delivery"]


def test_an_expected_delivery_cannot_come_before_the_pregnancy_was_recorded() -> None:
    data = client("12-child-protection.json")
    data["plan"]["pregnancy"]["expected_delivery"] = "2026-10-01"
    assert refused_at(data) == ["plan.pregnancy.expected_delivery"]


@pytest.mark.parametrize("sex", ["female", "indeterminate", "declined", None])
def test_a_pregnancy_is_possible_unless_the_sex_at_birth_is_male(sex: str | None) -> None:
    data = client("12-child-protection.json")
    data["service_user"]["sex_at_birth"] = sex
    assert load_record(data).plan.pregnancy is not None


def test_not_pregnant_says_nothing_about_sex() -> None:
    data = client("01-custody-triage.json")
    data["service_user"]["sex_at_birth"] = "male"
    assert load_record(data).plan.pregnancy is not None


# ---- injecting ----


def test_never_injected_cannot_have_shared() -> None:
    data = client("03-gp-shared-care.json")
    data["plan"]["injecting"]["ever_shared"] = True
    assert refused_at(data) == ["plan.injecting.status"]


def test_currently_sharing_means_currently_injecting_and_having_shared() -> None:
    data = client("02-carat-release.json")  # previously injecting, has shared
    data["plan"]["injecting"]["currently_sharing"] = True
    assert refused_at(data) == ["plan.injecting.currently_sharing"]
    data = client("10-dropout-reengaged.json")  # currently injecting, has shared, not sharing now
    data["plan"]["injecting"].update(currently_sharing=True, ever_shared=False)
    assert refused_at(data) == ["plan.injecting.ever_shared"]


def test_never_injected_contradicts_a_drug_use_profile_that_injects() -> None:
    data = client("01-custody-triage.json")  # heroin injected
    data["plan"]["injecting"] = {"recorded_on": "2026-11-23", "status": "never"}
    assert refused_at(data) == ["plan.substance_use[0].route"]
    data = client("02-carat-release.json")  # heroin smoked, has injected
    data["plan"]["injecting"] = {"recorded_on": "2026-07-12", "status": "never"}
    assert refused_at(data) == ["plan.substance_use[0].injected_ever"]


@pytest.mark.parametrize("status", ["previously", "currently", "declined"])
def test_an_injecting_profile_sits_with_any_status_but_never(status: str) -> None:
    data = client("01-custody-triage.json")
    data["plan"]["injecting"] = {"recorded_on": "2026-11-23", "status": status}
    assert load_record(data).plan.injecting is not None


# ---- blood-borne viruses ----


def test_a_test_needs_its_result_and_a_result_needs_a_test() -> None:
    data = client("02-carat-release.json")
    del data["plan"]["blood_borne_viruses"]["hiv"]["result"]
    data["plan"]["blood_borne_viruses"]["hepatitis_c"]["status"] = "offered-and-refused"
    assert refused_at(data) == [
        "plan.blood_borne_viruses.hepatitis_c.result",
        "plan.blood_borne_viruses.hiv.result",
    ]


def test_a_result_awaited_is_a_result() -> None:
    data = client("10-dropout-reengaged.json")
    assert load_record(data).plan.blood_borne_viruses.hiv.result == "awaited"  # type: ignore[union-attr]


# ---- disabilities ----


@pytest.mark.parametrize("alone", ["none", "declined"])
def test_none_or_declined_stands_alone(alone: str) -> None:
    data = client("09-discharge-aftercare.json")
    data["service_user"]["disabilities"] = ["hearing", alone]
    assert refused_at(data) == ["service_user.disabilities[1]"]
    data["service_user"]["disabilities"] = [alone]
    assert load_record(data).service_user.disabilities == [alone]


# ---- treatment history and waiting times ----


def test_never_previously_treated_cannot_list_previous_episodes() -> None:
    data = client("10-dropout-reengaged.json")
    data["episode"]["treatment_history"]["previously_treated"] = False
    assert refused_at(data) == ["episode.treatment_history.previously_treated"]


def test_a_previous_episode_ends_after_it_starts_and_starts_before_this_one() -> None:
    data = client("10-dropout-reengaged.json")
    data["episode"]["treatment_history"]["episodes"][0]["end"] = "2021-12-31"
    data["episode"]["treatment_history"]["episodes"][1]["start"] = "2026-06-01"
    assert refused_at(data) == [
        "episode.treatment_history.episodes[0].end",
        "episode.treatment_history.episodes[1].start",
    ]


@pytest.mark.parametrize("field", ["first_appointment_offered", "triage_date", "treatment_start"])
def test_no_waiting_time_date_comes_before_the_referral(field: str) -> None:
    data = client("10-dropout-reengaged.json")  # referral received 2026-04-20
    data["episode"][field] = "2026-04-19"
    assert refused_at(data) == [f"episode.{field}"]
    data["episode"][field] = "2026-04-20"  # the same day is possible
    load_record(data)


def test_every_dated_fact_is_after_the_birth() -> None:
    data = client("02-carat-release.json")  # born 1988-02-19
    data["plan"]["circumstances"]["assessed_on"] = "1988-02-18"
    data["plan"]["injecting"]["recorded_on"] = "1980-01-01"
    data["plan"]["blood_borne_viruses"]["hepatitis_b"]["on"] = "1987-01-01"
    data["episode"]["treatment_history"]["episodes"][0]["start"] = "1985-01-01"
    data["episode"]["treatment_history"]["episodes"][0]["end"] = "1986-01-01"
    assert refused_at(data) == [
        "plan.circumstances.assessed_on",
        "plan.injecting.recorded_on",
        "plan.blood_borne_viruses.hepatitis_b.on",
        "episode.treatment_history.episodes[0].start",
    ]


# ---- field errors ----


def test_a_language_must_be_a_bcp_47_tag_and_an_ethnic_category_a_data_dictionary_code() -> None:
    data = client("02-carat-release.json")
    data["service_user"]["first_language"] = "Polish"
    data["service_user"]["ethnic_category"] = "White Polish"
    assert sorted(str(path) for path in refused_at(data)) == [
        "service_user.ethnic_category",
        "service_user.first_language",
    ]


@pytest.mark.parametrize("tag", ["en", "pl", "EN", "en-GB", "pa-Guru", "zh-Hant-TW", "sgn-BE-FR"])
def test_a_language_tag_as_bcp_47_writes_it(tag: str) -> None:
    data = client("02-carat-release.json")
    data["service_user"]["first_language"] = tag
    assert load_record(data).service_user.first_language == tag


@pytest.mark.parametrize("tag", ["Polish", "e", "en_GB", "en-", "en GB"])
def test_a_language_that_is_not_a_tag_is_refused(tag: str) -> None:
    data = client("02-carat-release.json")
    data["service_user"]["first_language"] = tag
    assert refused_at(data) == ["service_user.first_language"]
