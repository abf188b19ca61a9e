"""The server's settings: one pydantic-settings class, read from ``CAREPLAN_*`` environment variables.

    $ CAREPLAN_ODS=Y02345 CAREPLAN_DATABASE_URL=cjit.db CAREPLAN_TRUST_DIR=trust/ \\
      CAREPLAN_TOKENS_FILE=tokens.json uvicorn --factory adapter.server:create_app

| setting | form | default |
|---|---|---|
| ``CAREPLAN_ODS`` | this organisation's ODS code (3 to 10 upper-case letters or digits) | required |
| ``CAREPLAN_DATABASE_URL`` | a SQLite path, ``:memory:``, or a SQLAlchemy URL | ``careplan.db`` |
| ``CAREPLAN_TRUST_DIR`` | a folder of senders' public keys, ``<ODS>.pub.pem`` | ``trust`` |
| ``CAREPLAN_TOKENS`` | a JSON object, bearer token -> caller's ODS code | ``{}`` |
| ``CAREPLAN_TOKENS_FILE`` | a file holding the same JSON object | none |
| ``CAREPLAN_MAX_BODY_BYTES`` | a positive whole number of bytes | 8 MiB |
| ``CAREPLAN_BODY_TIMEOUT_SECONDS`` | seconds a request body may take to arrive, whole | 30 |
| ``CAREPLAN_BASE_URL`` | this server's public base URL | none |
| ``CAREPLAN_SIGNING_KEY_FILE`` | our Ed25519 private key (PEM): signs decisions | none (503) |
| ``CAREPLAN_INSECURE_DEV`` | ``true``: start with no tokens or no trust folder (development) | ``false`` |
| ``CAREPLAN_RISK_ASSESSMENT_MAX_AGE_MONTHS`` | months a risk assessment stays current, 1 to 24 | 3 |
| ``CAREPLAN_DISCHARGE_TOP_WINDOW_DAYS`` | days before closure an exit TOP is at discharge, 0 to 90 | 28 |

Tokens from ``CAREPLAN_TOKENS`` and ``CAREPLAN_TOKENS_FILE`` (so the secrets need not sit in the
process environment) are merged; the file wins on a clash. :func:`load_settings` turns a missing or
malformed setting into a SettingsError naming the variable and the form expected; :func:`readiness`
says why a server with these settings should not start (no callers could be let in, or no sender
trusted), unless ``insecure_dev`` is set. Without ``CAREPLAN_SIGNING_KEY_FILE`` the server still
receives, but ``POST /$decide`` answers 503 naming the setting: a decision is a signed message. The
two co-ordination intervals are adapter.coordination.settings' (same names, bounds and defaults as the
command line reads): ``POST /CarePlan/$check`` judges by them as ``careplan check`` does (hazard H-56).
"""

from __future__ import annotations

import re
from pathlib import Path

import orjson
from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings import SettingsError as PydanticSettingsError

from adapter.coordination.settings import FORMS as COORDINATION_FORMS
from adapter.coordination.settings import (
    CoordinationSettings,
    discharge_top_window_field,
    risk_assessment_max_age_field,
)
from adapter.errors import SettingsError
from adapter.handover.signing import Ed25519Signer
from adapter.outcome import Issue, OperationOutcome
from adapter.types import OdsCode

_FORMS = {
    "ods": "this organisation's ODS code, e.g. Y02345",
    "database_url": "a SQLite path, :memory: or a SQLAlchemy URL",
    "trust_dir": "a folder of senders' public keys, <ODS>.pub.pem",
    "tokens": 'a JSON object of bearer token -> ODS code, e.g. {"s3cret": "NTI"}',
    "tokens_file": "the path of a file holding a JSON object of bearer token -> ODS code",
    "max_body_bytes": "a positive whole number of bytes",
    "body_timeout_seconds": "a positive number of seconds",
    "base_url": "this server's public base URL",
    "signing_key_file": "the path of this organisation's Ed25519 private key (PEM), as keygen writes",
    "insecure_dev": "true or false",
    **COORDINATION_FORMS,
}

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
"""A handover of one plan is tens of kilobytes; 8 MiB leaves room and refuses floods."""


class Settings(BaseSettings):
    """Who this server is, where it keeps plans, whom it trusts and who may call it."""

    model_config = SettingsConfigDict(env_prefix="CAREPLAN_", frozen=True, extra="ignore")

    ods: OdsCode = Field(description="ODS code of the organisation this server receives handovers for.")
    database_url: str = Field("careplan.db", description="The store: a SQLite path, :memory: or a URL.")
    trust_dir: Path = Field(Path("trust"), description="Senders' public keys, one <ODS>.pub.pem each.")
    tokens: dict[str, OdsCode] = Field(default_factory=dict, description="Bearer token -> caller's ODS.")
    tokens_file: Path | None = Field(None, description="A JSON file of bearer token -> caller's ODS.")
    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, gt=0, description="Largest request body accepted.")
    body_timeout_seconds: float = Field(
        30.0, gt=0, description="Seconds a request body may take to arrive (a slow or short body is 408)."
    )
    base_url: str | None = Field(None, description="This server's public base URL (CapabilityStatement).")
    signing_key_file: Path | None = Field(
        None, description="This organisation's Ed25519 private key (PEM): decisions are signed with it."
    )
    insecure_dev: bool = Field(False, description="Start with no tokens or no trust folder (development).")
    risk_assessment_max_age_months: int = risk_assessment_max_age_field()
    discharge_top_window_days: int = discharge_top_window_field()

    def coordination(self) -> CoordinationSettings:
        """The local protocol's intervals co-ordination is judged by (adapter.coordination.settings)."""
        return CoordinationSettings(self.risk_assessment_max_age_months, self.discharge_top_window_days)

    def callers(self) -> dict[str, OdsCode]:
        """Every bearer token and the organisation it stands for.

        Raises SettingsError when the tokens file cannot be read or is not a JSON object of strings."""
        callers = dict(self.tokens)
        if self.tokens_file is not None:
            try:
                loaded = orjson.loads(self.tokens_file.read_bytes())
            except (OSError, orjson.JSONDecodeError) as error:
                raise _setting_error("tokens_file", f"cannot read {self.tokens_file}: {error}") from None
            if not isinstance(loaded, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
            ):
                raise _setting_error(
                    "tokens_file", f"{self.tokens_file} does not hold a JSON object of strings"
                )
            callers.update(loaded)
        return callers


def signer_of(settings: Settings) -> Ed25519Signer | None:
    """The key this server signs its decisions with (None when ``signing_key_file`` is not set).

    Raises SettingsError when the file cannot be read or is not an Ed25519 private key."""
    if settings.signing_key_file is None:
        return None
    try:
        return Ed25519Signer.from_pem(settings.signing_key_file, settings.ods)
    except (OSError, ValueError) as error:
        raise _setting_error(
            "signing_key_file", f"cannot load {settings.signing_key_file}: {error}"
        ) from None


def _variable(field: str) -> str:
    return f"CAREPLAN_{field.upper()}"


def _setting_error(field: str, problem: str) -> SettingsError:
    text = f"{_variable(field)}: {problem}; expected {_FORMS.get(field, 'a valid value')}"
    return SettingsError(
        OperationOutcome.of([Issue.error("invalid", "settings.invalid", text, _variable(field))])
    )


def load_settings(**given: object) -> Settings:
    """Settings from the environment (and ``given``); a SettingsError names each missing or malformed
    variable and the form expected, never pydantic's own words."""
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except PydanticSettingsError as error:
        # pydantic-settings' own error for a value it cannot parse (a JSON setting that is not JSON)
        named = re.search(r'field "(\w+)"', str(error))
        raise _setting_error(named.group(1) if named else "settings", "not understood") from None
    except ValidationError as error:
        issues = []
        for detail in error.errors():
            field = str(detail["loc"][0]) if detail["loc"] else "settings"
            problem = "not set" if detail["type"] == "missing" else "not understood"
            text = f"{_variable(field)}: {problem}; expected {_FORMS.get(field, 'a valid value')}"
            issues.append(Issue.error("invalid", "settings.invalid", text, _variable(field)))
        raise SettingsError(OperationOutcome.of(issues)) from None


def readiness(settings: Settings, callers: dict[str, OdsCode]) -> list[Issue]:
    """Why a server with ``settings`` should not start: no caller could ever be let in, or no
    sender is trusted so every handover would be refused. Empty when ``insecure_dev`` is set."""
    if settings.insecure_dev:
        return []
    issues = []
    if not callers:
        issues.append(
            Issue.error(
                "security",
                "settings.no-tokens",
                "no bearer tokens: set CAREPLAN_TOKENS or CAREPLAN_TOKENS_FILE "
                "(or CAREPLAN_INSECURE_DEV=true / serve --insecure-dev to start anyway)",
                "CAREPLAN_TOKENS",
            )
        )
    if not settings.trust_dir.is_dir():
        issues.append(
            Issue.error(
                "security",
                "settings.no-trust",
                f"CAREPLAN_TRUST_DIR: no folder at {settings.trust_dir}; expected senders' public keys, "
                "<ODS>.pub.pem (or CAREPLAN_INSECURE_DEV=true / serve --insecure-dev to start anyway)",
                "CAREPLAN_TRUST_DIR",
            )
        )
    return issues
