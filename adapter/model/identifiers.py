"""Identifiers of people and organisations, checked on the way in.

>>> is_valid_nhs_number("9434765919")
True
>>> is_valid_nhs_number("9434765918")
False
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
PRISON_NUMBER_SYSTEM = "https://fhir.careplan-adapter.org/Id/prison-number"
PNC_ID_SYSTEM = "https://fhir.careplan-adapter.org/Id/pnc-id"

_ODS = re.compile(r"^[A-Z0-9]{3,10}$")
ODS_NOT_STATED = "not-stated"
"""The organisation code of an imported plan's "organisation not stated": never an ODS code (lower case,
a hyphen), so it cannot be taken for a real organisation; the record says a person must review it."""
ODS_SYSTEMS = frozenset({ODS_SYSTEM, "https://fhir.nhs.uk/id/ods-organization-code"})
"""The ODS system as written, in either case of its ``Id`` segment (systems that are not ours write both)."""
# HMPPS prison number: a letter, four digits, two letters (e.g. A1234BC).
_PRISON_NUMBER = re.compile(r"^[A-Z][0-9]{4}[A-Z]{2}$")
# PNC id: four-digit year, slash, one to seven digits, check letter (e.g. 2004/0046583U).
_PNC_ID = re.compile(r"^([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])$")
_PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def is_valid_nhs_number(value: str) -> bool:
    """Ten digits whose modulus-11 check digit is right (NHS Data Dictionary)."""
    if len(value) != 10 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(value[9])


def is_valid_pnc_id(value: str) -> bool:
    """A Police National Computer id with its check letter right."""
    match = _PNC_ID.match(value)
    if not match:
        return False
    year, serial, letter = match.groups()
    number = int(year[-2:] + serial.zfill(7))
    return _PNC_CHECK_LETTERS[number % 23] == letter


def is_valid_ods_code(value: str) -> bool:
    """An ODS organisation code's form: 3 to 10 upper-case letters or digits."""
    return bool(_ODS.match(value))


def _nhs_number(value: str) -> str:
    if not is_valid_nhs_number(value):
        raise ValueError("expected a 10-digit NHS number with a valid modulus-11 check digit")
    return value


def _ods_code(value: str) -> str:
    if value != ODS_NOT_STATED and not _ODS.match(value):
        raise ValueError("expected an ODS code: 3 to 10 upper-case letters or digits")
    return value


def _prison_number(value: str) -> str:
    if not _PRISON_NUMBER.match(value):
        raise ValueError("expected a prison number: a letter, four digits, two letters (A1234BC)")
    return value


def _pnc_id(value: str) -> str:
    if not is_valid_pnc_id(value):
        raise ValueError("expected a PNC id YYYY/NNNNNNNL with a valid check letter")
    return value


NhsNumber = Annotated[str, AfterValidator(_nhs_number)]
OdsCode = Annotated[str, AfterValidator(_ods_code)]
PrisonNumber = Annotated[str, AfterValidator(_prison_number)]
PncId = Annotated[str, AfterValidator(_pnc_id)]
