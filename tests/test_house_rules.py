"""Rules of the house that the code itself must keep: the exception tree drawn in adapter/errors.py
names every exception class the package defines, and no domain room imports the command line."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import adapter
import adapter.errors

PACKAGE = Path(adapter.__file__).parent


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages([str(PACKAGE)], prefix="adapter.")]


def test_every_exception_class_is_in_the_drawn_tree() -> None:
    drawn = adapter.errors.__doc__ or ""
    missing = []
    for name in _modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseException)
                and value.__module__ == name
                and not value.__name__.startswith("_")
                and value.__name__ not in drawn
            ):
                missing.append(f"{name}.{value.__name__}")
    assert missing == []


def test_no_domain_room_imports_the_command_line() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.is_relative_to(PACKAGE / "cli"):
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for imported in names:
                if imported.split(".")[0] in ("typer", "rich", "click") or imported.startswith("adapter.cli"):
                    offenders.append(f"{path.relative_to(PACKAGE)}: {imported}")
    assert offenders == []
