"""The minimisation table's rows for the client's own record (issue 11): `service_user` (which of the
service user's optional elements a kind is sent) and `withhold` (what `plan: all` leaves out), checked
against the model when the table is read, so a misspelt row is an error, not a silent omission."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from adapter.handover import minimisation_table, rule_for
from adapter.handover import rules as handover_rules
from adapter.handover.rules import SERVICE_USER_ALWAYS_SENT
from adapter.model import ServiceUser
from adapter.model.codes import OrganisationKind


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """A one-row table the test fills in, read in place of data/minimisation.yaml."""
    entry: dict[str, Any] = {"why": "a test row", "plan": "all"}
    monkeypatch.setattr(handover_rules, "_load", lambda name: {"destinations": {"cjit": entry}})
    minimisation_table.cache_clear()
    yield entry
    minimisation_table.cache_clear()


def test_identity_and_contact_always_travel_and_the_rest_is_placed() -> None:
    optional = set(ServiceUser.model_fields) - SERVICE_USER_ALWAYS_SENT
    assert optional == {
        "sex_at_birth",
        "ethnic_category",
        "sexual_orientation",
        "religion",
        "first_language",
        "interpreter_required",
        "disabilities",
    }
    probation = rule_for(OrganisationKind.PROBATION)
    assert probation is not None and probation.service_user == {"first_language", "interpreter_required"}


def test_an_unknown_service_user_element_is_refused(table: dict[str, Any]) -> None:
    table["service_user"] = ["ethnicity"]
    with pytest.raises(ValueError, match=r"cjit: \['ethnicity'\] are not optional service-user elements"):
        minimisation_table()


def test_an_element_that_always_travels_cannot_be_placed(table: dict[str, Any]) -> None:
    table["service_user"] = ["nhs_number"]
    with pytest.raises(ValueError, match="not optional service-user elements"):
        minimisation_table()


def test_withhold_takes_an_element_out_of_the_whole_plan_and_must_name_one(table: dict[str, Any]) -> None:
    table["withhold"] = ["blood_borne_viruses"]
    rule = minimisation_table()[OrganisationKind.CJIT]
    assert "blood_borne_viruses" not in rule.kept and "pregnancy" in rule.kept
    table["withhold"] = ["hiv"]
    minimisation_table.cache_clear()
    with pytest.raises(ValueError, match=r"cjit: \['hiv'\] are not optional plan elements"):
        minimisation_table()
