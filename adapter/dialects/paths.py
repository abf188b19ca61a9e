"""Canonical JSON paths: read, write and list the leaves of a canonical record as plain JSON.

A path is dotted with list indices, the same form :func:`adapter.model.load_record` uses in its
issue expressions (``plan.goals[0].milestones[1].due``), so a loss or an unmapped field names the
exact element.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

JsonObject = dict[str, Any]


def join(prefix: str, relative: str) -> str:
    """``join("plan.goals[0]", "description") == "plan.goals[0].description"``."""
    if not prefix:
        return relative
    if not relative:
        return prefix
    return f"{prefix}.{relative}"


def get(tree: JsonObject, dotted: str) -> Any:
    """The value at a dotted path (no indices), or None when any step is absent."""
    node: Any = tree
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def put(tree: JsonObject, dotted: str, value: Any) -> None:
    """Set the value at a dotted path, creating the objects on the way."""
    *parents, last = dotted.split(".")
    node = tree
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def leaves(value: Any, prefix: str = "") -> Iterator[str]:
    """Every scalar's path under ``value``; an empty list or object counts as no leaf."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, join(prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, f"{prefix}[{index}]")
    else:
        yield prefix


def leaf_values(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar under ``value`` with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_values(item, join(prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_values(item, f"{prefix}[{index}]")
    else:
        yield prefix, value


def covers(prefix: str, path: str) -> bool:
    """True when ``path`` is ``prefix`` or lies under it (``plan.goals[0]`` covers ``plan.goals[0].id``)."""
    return path == prefix or path.startswith(prefix + ".") or path.startswith(prefix + "[")
