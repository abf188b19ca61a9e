"""Signatures: what is signed (the canonical form), keys from PEM files, the trust list."""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path

import orjson
from handover_cases import ROUTES, Keys, built_message

from adapter.handover import Ed25519Signer, Ed25519Verifier, TrustList, canonical_form
from adapter.handover.signing import detached_jws
from adapter.types import FhirJson
from adapter.wire import FhirDecimal, read_json, write_json


def _message(keys: Keys) -> FhirJson:
    return built_message(ROUTES[0], keys)[1]


def _jws(message: FhirJson) -> str:
    return base64.b64decode(message["entry"][2]["resource"]["signature"][0]["data"]).decode("ascii")


def test_canonical_form_sorts_keys_drops_the_signature_and_keeps_decimal_lexemes() -> None:
    bundle: FhirJson = {
        "resourceType": "Bundle",
        "entry": [{"resource": {"b": FhirDecimal("45.0"), "a": "é", "signature": [{"data": "x"}]}}],
    }
    assert (
        canonical_form(bundle, 0)
        == '{"entry":[{"resource":{"a":"é","b":45.0}}],"resourceType":"Bundle"}'.encode()
    )
    assert bundle["entry"][0]["resource"]["signature"] == [{"data": "x"}]  # the input is left alone
    assert (
        canonical_form({"entry": [{"resource": {"v": Decimal("1.50")}}]}, 0)
        == b'{"entry":[{"resource":{"v":1.50}}]}'
    )


def test_the_signature_covers_the_message_as_read_back_from_the_wire() -> None:
    keys = Keys()
    message = _message(keys)
    trust = keys.trust("NTI")
    wire = read_json(write_json(message))
    assert trust.verify("NTI", _jws(wire), canonical_form(wire, 2))
    wire["timestamp"] = "2026-11-25T10:16:00+00:00"
    assert not trust.verify("NTI", _jws(wire), canonical_form(wire, 2))


def test_the_jws_is_detached_eddsa_named_by_the_sender() -> None:
    message = _message(Keys())
    header, payload, signature = _jws(message).split(".")
    assert payload == ""
    assert orjson.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "EdDSA", "kid": "NTI"}
    assert len(base64.urlsafe_b64decode(signature + "==")) == 64


def test_a_jws_claiming_another_sender_or_algorithm_is_not_trusted() -> None:
    keys = Keys()
    payload = b"the record"
    jws = detached_jws(keys.signer("NTI"), payload)
    both = TrustList({"NTI": keys.signer("NTI").verifier(), "EMI": keys.signer("NTI").verifier()})
    assert both.verify("NTI", jws, payload)
    assert not both.verify("EMI", jws, payload)  # same key, but the header names NTI
    assert not both.verify("NTI", jws, payload + b"!")
    assert not both.verify("NTI", "not-a-jws", payload)
    assert not both.verify("NTI", jws.replace("..", ".cGF5bG9hZA."), payload)  # not detached
    assert not TrustList().verify("NTI", jws, payload)


def test_keys_round_trip_through_pem_files_and_a_trust_directory(tmp_path: Path) -> None:
    signer = Ed25519Signer.generate("NTI")
    (tmp_path / "NTI.key.pem").write_bytes(signer.private_pem())
    (tmp_path / "NTI.pub.pem").write_bytes(signer.verifier().public_pem())
    loaded = Ed25519Signer.from_pem(tmp_path / "NTI.key.pem", "NTI")
    jws = detached_jws(loaded, b"payload")
    trust = TrustList.from_directory(tmp_path)
    assert set(trust.keys) == {"NTI"} and trust.verify("NTI", jws, b"payload")
    assert Ed25519Verifier.from_pem(tmp_path / "NTI.pub.pem").verify(loaded.sign(b"x"), b"x")
