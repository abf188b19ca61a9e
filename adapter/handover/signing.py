"""Signing a handover message: Ed25519 over a canonical form, as a detached JWS.

The signature lives in the handover Provenance's ``signature[0]``: ``sigFormat`` application/jose,
``data`` the base64 of a compact JWS with a detached payload (RFC 7515 appendix F):
``BASE64URL(header) + ".." + BASE64URL(signature)``, header ``{"alg":"EdDSA","kid":<sender ODS>}``.

**The canonical form** (what is signed) is the message Bundle with that one ``signature`` element
removed, written as JSON with:

- object keys sorted by code point, no whitespace between tokens, UTF-8 without escaping non-ASCII;
- decimals in the lexical form they have on the wire (``45.0`` stays ``45.0``: FHIR decimals keep
  their precision, adapter.wire.FhirDecimal), other numbers, strings and literals as JSON
  writes them;
- arrays in their order (order is meaningful in FHIR).

So a message read back from JSON or from FHIR XML (both keep decimals' lexical form) verifies, and any
change to any element other than the signature itself does not.

    >>> signer = Ed25519Signer.generate("NTI")
    >>> jws = detached_jws(signer, canonical_form(bundle, 2))      # the Provenance is entry 2
    >>> TrustList({"NTI": signer.verifier()}).verify("NTI", jws, canonical_form(bundle, 2))
    True
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from adapter.types import FhirJson, OdsCode
from adapter.wire import FhirDecimal

JWS_ALGORITHM = "EdDSA"


class Signer(Protocol):
    """Signs bytes for one sender (its ``key_id`` is the sender's ODS code)."""

    @property
    def key_id(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


class Verifier(Protocol):
    """Checks a signature over bytes with one public key."""

    def verify(self, signature: bytes, data: bytes) -> bool: ...


@dataclass(frozen=True)
class Ed25519Signer:
    """An Ed25519 private key and the id it signs as."""

    key_id: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, key_id: str) -> Ed25519Signer:
        """A fresh key (tests and the demo: never persisted by this call)."""
        return cls(key_id, Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, path: Path, key_id: str) -> Ed25519Signer:
        """Load an unencrypted PKCS#8 PEM Ed25519 private key."""
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return cls(key_id, key)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def verifier(self) -> Ed25519Verifier:
        """The matching public key, for a trust list."""
        return Ed25519Verifier(self.private_key.public_key())

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )


@dataclass(frozen=True)
class Ed25519Verifier:
    """An Ed25519 public key."""

    public_key: Ed25519PublicKey

    @classmethod
    def from_pem(cls, path: Path) -> Ed25519Verifier:
        """Load a SubjectPublicKeyInfo PEM Ed25519 public key."""
        key = serialization.load_pem_public_key(path.read_bytes())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{path} does not hold an Ed25519 public key")
        return cls(key)

    def verify(self, signature: bytes, data: bytes) -> bool:
        try:
            self.public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def public_pem(self) -> bytes:
        return self.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


@dataclass(frozen=True)
class TrustList:
    """Which public key each sender (by ODS code) signs with. A sender not listed is not trusted."""

    keys: Mapping[OdsCode, Verifier] = field(default_factory=dict)

    @classmethod
    def from_pem_files(cls, files: Mapping[OdsCode, Path]) -> TrustList:
        """Sender ODS code -> path of its public key PEM."""
        return cls({ods: Ed25519Verifier.from_pem(path) for ods, path in files.items()})

    @classmethod
    def from_directory(cls, folder: Path) -> TrustList:
        """Every ``<ODS>.pub.pem`` in ``folder``."""
        suffix = ".pub.pem"
        return cls.from_pem_files(
            {path.name.removesuffix(suffix): path for path in sorted(folder.glob(f"*{suffix}"))}
        )

    def trusts(self, sender: OdsCode) -> bool:
        return sender in self.keys

    def verify(self, sender: OdsCode, jws: str, payload: bytes) -> bool:
        """True when ``jws`` is a detached EdDSA JWS by ``sender``'s key over ``payload``."""
        verifier = self.keys.get(sender)
        parts = jws.split(".")
        if verifier is None or len(parts) != 3 or parts[1]:
            return False
        try:
            header = orjson.loads(_unb64url(parts[0]))
            signature = _unb64url(parts[2])
        except (ValueError, orjson.JSONDecodeError):
            return False
        if not isinstance(header, dict) or header.get("alg") != JWS_ALGORITHM or header.get("kid") != sender:
            return False
        return verifier.verify(signature, _signing_input(parts[0], payload))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except binascii.Error as error:
        raise ValueError(str(error)) from None


def _signing_input(encoded_header: str, payload: bytes) -> bytes:
    return f"{encoded_header}.{_b64url(payload)}".encode("ascii")


def _number(value: object) -> orjson.Fragment:
    if isinstance(value, FhirDecimal):
        return orjson.Fragment(value.lexeme)
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value))
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def canonical_form(bundle: FhirJson, provenance_index: int) -> bytes:
    """The bytes signed: ``bundle`` without ``entry[provenance_index].resource.signature``, canonical
    JSON (see the module docstring)."""
    unsigned = copy.deepcopy(bundle)
    unsigned["entry"][provenance_index]["resource"].pop("signature", None)
    return orjson.dumps(unsigned, default=_number, option=orjson.OPT_SORT_KEYS)


def detached_jws(signer: Signer, payload: bytes) -> str:
    """A compact JWS with the payload left out: ``header..signature``."""
    header = _b64url(orjson.dumps({"alg": JWS_ALGORITHM, "kid": signer.key_id}, option=orjson.OPT_SORT_KEYS))
    return f"{header}..{_b64url(signer.sign(_signing_input(header, payload)))}"
