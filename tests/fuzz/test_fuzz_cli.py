"""Every command that takes a file, fed mutated files through typer's CliRunner: exit 0, 1 or 2 with
its problems on lines of their own, escaped - never a traceback, never exit 70 (internal error)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from typer.testing import CliRunner

from adapter.cli import app
from adapter.text import CONTROL
from fuzz.mutations import FIXTURES, FUZZ_SLOW, count_case, mutated

runner = CliRunner()
AT = "2026-11-25T10:30:00+00:00"
RELEASE = FIXTURES / "clients" / "02-carat-release.json"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keys for NTI, and NTI's signed handover of fixture 02 to the CJIT (the seed for receive/send)."""
    folder = tmp_path_factory.mktemp("cli-fuzz")
    assert runner.invoke(app, ["keygen", "NTI", "--out", str(folder / "keys")]).exit_code == 0
    built = runner.invoke(
        app,
        [
            "handover",
            str(RELEASE),
            "--to",
            "Y02345",
            "--key",
            str(folder / "keys" / "NTI.key.pem"),
            "--out",
            str(folder / "message.json"),
            "--at",
            AT,
        ],
    )
    assert built.exit_code == 0, built.output
    return folder


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def runs_in_our_words(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{args[0]} raised {result.exception!r}"
    )
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not CONTROL.search(result.output.replace("\t", "")), "raw control character in the output"
    if result.exit_code:
        assert result.output.strip(), "a failure with nothing said"


Command = Callable[[Path, Path], list[str]]
COMMANDS: dict[str, tuple[str, str, Command]] = {
    "convert-canonical": (
        "canonical",
        "json",
        lambda f, w: ["convert", str(f), str(w / "out.json"), "--to", "fhir-json"],
    ),
    "convert-fhir-json": ("fhir-json", "json", lambda f, w: ["convert", str(f), str(w / "out.xml")]),
    "convert-fhir-xml": (
        "fhir-xml",
        "xml",
        lambda f, w: ["convert", str(f), str(w / "out.json"), "--to", "canonical"],
    ),
    "convert-carat": (
        "carat",
        "csv",
        lambda f, w: ["convert", str(f), "--from", "carat", "--to", "cjit-dir", "--out", str(w / "o")],
    ),
    "convert-cjit-dir": (
        "cjit-dir",
        "xml",
        lambda f, w: ["convert", str(f), "--from", "cjit-dir", "--to", "carat", "--out", str(w / "o")],
    ),
    "convert-cmht-cpa": (
        "cmht-cpa",
        "xml",
        lambda f, w: ["convert", str(f), "--from", "cmht-cpa", "--to", "fhir-xml", "--out", str(w / "o")],
    ),
    "convert-gp": (
        "gp-shared-care",
        "json",
        lambda f, w: ["convert", str(f), "--from", "gp-shared-care", "--to", "fhir", "--out", str(w / "o")],
    ),
    "validate": ("fhir-json", "json", lambda f, w: ["validate", str(f)]),
    "validate-xml": ("fhir-xml", "xml", lambda f, w: ["validate", str(f), "--format", "json"]),
    "check": ("canonical", "json", lambda f, w: ["check", str(f), "--today", "2026-11-25"]),
    "check-carat": (
        "carat",
        "csv",
        lambda f, w: ["check", str(f), "--from", "carat", "--today", "2026-11-25"],
    ),
    "print": (
        "canonical",
        "json",
        lambda f, w: ["print", str(f), "--out", str(w / "plan.pdf"), "--today", "2026-11-25"],
    ),
    "print-fhir-xml": ("fhir-xml", "xml", lambda f, w: ["print", str(f), "--today", "2026-11-25"]),
    "handover": (
        "canonical",
        "json",
        lambda f, w: [
            "handover",
            str(f),
            "--to",
            "Y02345",
            "--key",
            str(w / "keys" / "NTI.key.pem"),
            "--out",
            str(w / "h.json"),
            "--at",
            AT,
        ],
    ),
    "handover-cjit-dir": (
        "cjit-dir",
        "xml",
        lambda f, w: [
            "handover",
            str(f),
            "--from",
            "cjit-dir",
            "--to",
            "B82017",
            "--key",
            str(w / "keys" / "NTI.key.pem"),
            "--sender",
            "NTI",
            "--at",
            AT,
        ],
    ),
    "receive": (
        "message",
        "json",
        lambda f, w: [
            "receive",
            str(f),
            "--as",
            "Y02345",
            "--trust",
            str(w / "keys"),
            "--db",
            str(w / "cjit.db"),
            "--at",
            AT,
            "--system",
            "cjit-dir",
            "--export",
            str(w / "plan.xml"),
        ],
    ),
    "send": (
        "message",
        "json",
        lambda f, w: [
            "send",
            str(f),
            "--to-url",
            f"http://127.0.0.1:{closed_port()}",
            "--db",
            str(w / "outbox.db"),
            "--attempts",
            "1",
            "--timeout",
            "0.5",
        ],
    ),
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_answers_a_mutated_file_in_our_words(command: str, workspace: Path) -> None:
    kind, suffix, arguments = COMMANDS[command]
    seeds = ((workspace / "message.json").read_bytes(),) if kind == "message" else None
    structure = "fhir-json" if kind == "message" else kind

    @FUZZ_SLOW
    @given(data=mutated(structure, seeds))
    def property(data: bytes) -> None:
        count_case(f"command {command}")
        source = workspace / f"input.{suffix}"
        source.write_bytes(data)
        runs_in_our_words(arguments(source, workspace))

    property()
