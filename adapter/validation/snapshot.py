"""Snapshot generation for profiles that carry a differential only.

The base snapshot is copied, then each differential element is placed on the element it constrains
(by id, computed from path and slice name) and merged into it. Placing may need three things first:
the children of a complex type (``Patient.identifier.system`` under a base that stops at
``Patient.identifier``), a new slice (a copy of the unsliced element and its children), or the
element of a renamed choice (``Observation.valueQuantity`` constrains ``Observation.value[x]``).
Differential elements that cannot be placed are reported, not dropped silently.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from adapter.types import FhirJson

TypeElements = Callable[[str], Sequence[FhirJson] | None]
"""Snapshot elements of a type or profile by code or canonical URL (None when unknown)."""

MERGE_SKIP = frozenset({"id", "path", "sliceName", "base"})
PREFIXED = ("fixed", "pattern", "minValue", "maxValue", "defaultValue")


def assign_ids(elements: list[FhirJson]) -> None:
    """Give every element the id its path and slice name imply (snapshots ids may be absent)."""
    last_id_for_path: dict[str, str] = {}
    for element in elements:
        path = str(element.get("path", ""))
        parent_path, _, name = path.rpartition(".")
        parent_id = last_id_for_path.get(parent_path, parent_path) if parent_path else ""
        own = f"{parent_id}.{name}" if parent_id else name
        slice_name = element.get("sliceName")
        element["id"] = f"{own}:{slice_name}" if slice_name else own
        last_id_for_path[path] = element["id"]


@dataclass
class _Snapshot:
    elements: list[FhirJson]
    type_elements: TypeElements
    base: list[FhirJson] = field(default_factory=list)
    problems: list[SnapshotProblem] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)

    def reindex(self) -> None:
        self.positions = {str(e["id"]): i for i, e in enumerate(self.elements)}

    def locate(self, element_id: str) -> tuple[int, str | None] | None:
        """Position of the element with this id, creating children or slices as needed."""
        found = self.positions.get(element_id)
        if found is not None:
            return found, None
        parent_id, dot, last = element_id.rpartition(".")
        if not dot:
            return None
        parent = self.locate(parent_id)
        if parent is None:
            return None
        # The parent may have been found under another id (a renamed choice): use the real one.
        parent_id = str(self.elements[parent[0]]["id"])
        parent_position = parent[0]
        name, _, slice_name = last.partition(":")
        unsliced_id = f"{parent_id}.{name}"
        if unsliced_id not in self.positions and not self._has_children(parent_position):
            self._expand(parent_position)
        implied: str | None = None
        if unsliced_id not in self.positions:
            choice = self._renamed_choice(parent_id, name)
            if choice is None:
                return None
            unsliced_id, implied = choice
            if not slice_name:
                return self.positions[unsliced_id], implied
        if not slice_name:
            return self.positions[unsliced_id], None
        slice_id = f"{unsliced_id}:{slice_name}"
        if slice_id not in self.positions:
            self._add_slice(unsliced_id, slice_name)
        return self.positions[slice_id], implied

    def _has_children(self, position: int) -> bool:
        element_id = str(self.elements[position]["id"])
        following = self.elements[position + 1] if position + 1 < len(self.elements) else None
        return following is not None and str(following["id"]).startswith(element_id + ".")

    def _expand(self, position: int) -> None:
        parent = self.elements[position]
        parent_id, parent_path = str(parent["id"]), str(parent["path"])
        reference = parent.get("contentReference")
        source: Sequence[FhirJson] | None
        if isinstance(reference, str):
            # The referenced element as the base defines it: constraints this profile put on it
            # apply where the profile says, not to every recursion of it.
            source = _subtree_of(self.base, reference.rpartition("#")[2])
        else:
            types = parent.get("type", [])
            if len(types) != 1:
                return
            profiles = types[0].get("profile", [])
            source = self.type_elements(profiles[0]) if profiles else None
            if source is None:
                source = self.type_elements(str(types[0].get("code", "")))
        if not source:
            return
        root_id, root_path = str(source[0]["id"]), str(source[0]["path"])
        copies = []
        for element in source[1:]:
            copied = copy.deepcopy(element)
            copied["id"] = parent_id + str(element["id"])[len(root_id) :]
            copied["path"] = parent_path + str(element["path"])[len(root_path) :]
            copies.append(copied)
        self.elements[position + 1 : position + 1] = copies
        self.reindex()

    def _subtree(self, start: int) -> list[FhirJson]:
        """The element at ``start`` and its children (not its slices, which come after them)."""
        prefix = str(self.elements[start]["id"]) + "."
        end = start + 1
        while end < len(self.elements) and str(self.elements[end]["id"]).startswith(prefix):
            end += 1
        return self.elements[start:end]

    def _renamed_choice(self, parent_id: str, name: str) -> tuple[str, str] | None:
        prefix = parent_id + "."
        for element_id in self.positions:
            if not (element_id.startswith(prefix) and element_id.endswith("[x]")):
                continue
            stem = element_id[len(prefix) : -3]
            if "." in stem or ":" in stem or not name.startswith(stem):
                continue
            wanted = name[len(stem) :]
            for allowed in self.elements[self.positions[element_id]].get("type", []):
                code = str(allowed.get("code", ""))
                if code and code[0].upper() + code[1:] == wanted:
                    return element_id, code
        return None

    def _add_slice(self, unsliced_id: str, slice_name: str) -> None:
        start = self.positions[unsliced_id]
        end = start + 1
        while end < len(self.elements):
            following = str(self.elements[end]["id"])
            if not (following.startswith(unsliced_id + ".") or following.startswith(unsliced_id + ":")):
                break
            end += 1
        unsliced = self.elements[start]
        # A re-slice (``slice/reslice``) starts from the slice it refines, not the unsliced element
        # (FHIR R4 profiling.html, "Re-slicing": a re-slice is a subset of its slice).
        refined = f"{unsliced_id}:{slice_name.rpartition('/')[0]}" if "/" in slice_name else unsliced_id
        source_id = refined if refined in self.positions else unsliced_id
        subtree = self._subtree(self.positions[source_id])
        slice_id = f"{unsliced_id}:{slice_name}"
        copies = []
        for element in subtree:
            copied = copy.deepcopy(element)
            copied["id"] = slice_id + str(element["id"])[len(source_id) :]
            copies.append(copied)
        head = copies[0]
        head["sliceName"] = slice_name
        head.pop("slicing", None)
        head["min"] = 0
        if "slicing" not in unsliced and str(unsliced.get("path", "")).endswith("[x]"):
            unsliced["slicing"] = {"discriminator": [{"type": "type", "path": "$this"}], "rules": "open"}
        self.elements[end:end] = copies
        self.reindex()


def _subtree_of(elements: list[FhirJson], element_id: str) -> list[FhirJson] | None:
    for start, element in enumerate(elements):
        if element.get("id") == element_id:
            end = start + 1
            while end < len(elements) and str(elements[end].get("id", "")).startswith(element_id + "."):
                end += 1
            return elements[start:end]
    return None


def differential_ids(differential: list[FhirJson]) -> list[str]:
    """The id each differential element constrains, computed from its path and slice name."""
    working = [{"path": e.get("path", ""), "sliceName": e.get("sliceName")} for e in differential]
    for element, original in zip(working, differential, strict=True):
        if not original.get("sliceName"):
            element.pop("sliceName")
    assign_ids(working)
    return [str(e["id"]) for e in working]


@dataclass(frozen=True, slots=True)
class SnapshotProblem:
    """A differential element that could not be placed, by its index in the differential."""

    index: int
    text: str

    def __str__(self) -> str:
        return self.text


def generate_snapshot(
    definition: FhirJson, base_elements: Sequence[FhirJson], type_elements: TypeElements
) -> tuple[list[FhirJson], list[SnapshotProblem]]:
    """The snapshot of ``definition`` (its differential applied to the base snapshot), and problems."""
    elements = [copy.deepcopy(e) for e in base_elements]
    own_type = str(definition.get("type", ""))
    base_root = str(elements[0].get("path", "")) if elements else ""
    if elements and own_type and base_root != own_type:
        for element in elements:
            element["path"] = own_type + str(element["path"])[len(base_root) :]
    assign_ids(elements)
    snapshot = _Snapshot(elements, type_elements, [dict(e) for e in elements])
    snapshot.reindex()
    differential = list(definition.get("differential", {}).get("element", []))
    previous: str | None = None
    for index, (diff, target_id) in enumerate(zip(differential, differential_ids(differential), strict=True)):
        named = diff.get("id") or diff.get("path")
        placed = snapshot.locate(target_id)
        if placed is None:
            text = f"no match for differential element {named} in the base snapshot"
            snapshot.problems.append(SnapshotProblem(index, text))
            continue
        here = str(snapshot.elements[placed[0]]["id"])
        if previous is not None and snapshot.positions[here] < snapshot.positions[previous]:
            # The differential must follow the snapshot's order (FHIR R4, ElementDefinition).
            text = f"differential element {named} is out of order: it comes before {previous} in the snapshot"
            snapshot.problems.append(SnapshotProblem(index, text))
        previous = here
        _merge(snapshot.elements[placed[0]], diff, placed[1])
    return snapshot.elements, snapshot.problems


def _merge(target: FhirJson, diff: FhirJson, implied_type: str | None) -> None:
    for key, value in diff.items():
        if key in MERGE_SKIP:
            continue
        prefix = next((p for p in PREFIXED if key.startswith(p)), None)
        if prefix is not None:
            for existing in [k for k in target if k.startswith(prefix)]:
                del target[existing]
        if key == "constraint":
            known = {c.get("key") for c in target.get("constraint", [])}
            target["constraint"] = [
                *target.get("constraint", []),
                *(c for c in value if c.get("key") not in known),
            ]
        else:
            target[key] = copy.deepcopy(value)
    if implied_type and "type" not in diff:
        target["type"] = [t for t in target.get("type", []) if t.get("code") == implied_type]
