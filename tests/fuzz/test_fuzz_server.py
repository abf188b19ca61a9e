"""Every HTTP endpoint, fed mutated bodies, media types, query strings and paths through FastAPI's
TestClient: an answer below 500, and every error an OperationOutcome in the format asked for."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from server.cases import CARAT, bearer, cjit_app, handover_message

from adapter.handover import Ed25519Signer
from adapter.wire import read_resource, write_json
from fuzz.mutations import FUZZ_SLOW, HOSTILE_TEXT, count_case, mutated

MEDIA = ["application/fhir+json", "application/fhir+xml", "application/json", "text/xml", "text/plain", ""]


@pytest.fixture(scope="module")
def signer() -> Ed25519Signer:
    return Ed25519Signer.generate(CARAT)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, signer: Ed25519Signer) -> Iterator[TestClient]:
    with TestClient(
        cjit_app(tmp_path_factory.mktemp("server-fuzz"), signer), raise_server_exceptions=False
    ) as test_client:
        yield test_client


def answered_in_our_words(response: object) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status < 500, (status, response.text[:500])  # type: ignore[attr-defined]
    if status >= 300:
        body = read_resource(response.content)  # type: ignore[attr-defined]
        assert body["resourceType"] == "OperationOutcome", body
        assert body["issue"]


def content_type(fmt: str, data: bytes) -> str:
    return fmt or ("application/fhir+xml" if data.lstrip()[:1] == b"<" else "application/fhir+json")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/$validate", "fhir-json"),
        ("/$validate", "fhir-xml"),
        ("/Bundle/$validate", "fhir-json"),
        ("/CarePlan/$check", "fhir-json"),
        ("/CarePlan/$check", "fhir-xml"),
    ],
)
def test_every_post_answers_a_mutated_body_in_our_words(client: TestClient, path: str, kind: str) -> None:
    @FUZZ_SLOW
    @given(
        data=mutated(kind), media=st.sampled_from(MEDIA), answer=st.sampled_from(["json", "xml", "html", ""])
    )
    def property(data: bytes, media: str, answer: str) -> None:
        count_case(f"POST {path} {kind}")
        query = f"?_format={answer}" if answer else ""
        headers = {"Content-Type": content_type(media, data)} | bearer("carat-token")
        answered_in_our_words(client.post(path + query, content=data, headers=headers))

    property()


def test_process_message_answers_a_mutated_message_in_our_words(
    client: TestClient, signer: Ed25519Signer
) -> None:
    seed = write_json(handover_message(signer))

    @FUZZ_SLOW
    @given(
        data=mutated("fhir-json", (seed,)), token=st.sampled_from(["carat-token", "stranger-token", "nope"])
    )
    def property(data: bytes, token: str) -> None:
        count_case("POST /$process-message")
        headers = {"Content-Type": content_type("", data)} | bearer(token)
        answered_in_our_words(client.post("/$process-message", content=data, headers=headers))

    property()


@FUZZ_SLOW
@given(
    text=st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40)),
    where=st.sampled_from(["id", "identifier", "format", "accept", "path"]),
)
def test_every_get_answers_hostile_parameters_in_our_words(client: TestClient, text: str, where: str) -> None:
    count_case("GET")
    headers = bearer("carat-token")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text) and where in ("id", "path"):
        return  # not a URL an HTTP client sends (httpx refuses it before the server sees it)
    if where == "id":
        response = client.get(
            "/CarePlan/" + text.replace("/", "%2F").replace("?", "%3F").replace("#", "%23"), headers=headers
        )
    elif where == "identifier":
        response = client.get("/CarePlan", params={"patient.identifier": text}, headers=headers)
    elif where == "format":
        response = client.get("/metadata", params={"_format": text})
    elif where == "accept":
        try:
            response = client.get("/metadata", headers={"Accept": text})
        except (UnicodeEncodeError, ValueError):
            return  # not a header an HTTP client can send
    else:
        response = client.get("/" + text.replace("?", "%3F").replace("#", "%23"), headers=headers)
    answered_in_our_words(response)
