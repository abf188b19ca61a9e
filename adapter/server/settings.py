"""The server's settings: one pydantic-settings class, read from ``CAREPLAN_*`` environment variables.

    $ CAREPLAN_ODS=Y02345 CAREPLAN_DATABASE_URL=cjit.db CAREPLAN_TRUST_DIR=trust/ \\
      CAREPLAN_TOKENS_FILE=tokens.json uvicorn --factory adapter.server:create_app

Tokens map a bearer token to the ODS code of the calling organisation, from ``CAREPLAN_TOKENS`` (a
JSON object) and/or ``CAREPLAN_TOKENS_FILE`` (a file holding the same JSON object, so the secrets need
not sit in the process environment). Both are merged; the file wins on a clash.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from adapter.types import OdsCode

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
    base_url: str | None = Field(None, description="This server's public base URL (CapabilityStatement).")

    def callers(self) -> dict[str, OdsCode]:
        """Every bearer token and the organisation it stands for.

        Raises ValueError when the tokens file cannot be read or is not a JSON object of strings."""
        callers = dict(self.tokens)
        if self.tokens_file is not None:
            try:
                loaded = orjson.loads(self.tokens_file.read_bytes())
            except (OSError, orjson.JSONDecodeError) as error:
                raise ValueError(f"cannot read the tokens file {self.tokens_file}: {error}") from None
            if not isinstance(loaded, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in loaded.items()
            ):
                raise ValueError(f"{self.tokens_file} must hold a JSON object of token -> ODS code strings")
            callers.update(loaded)
        return callers
