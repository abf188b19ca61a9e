"""FHIRPath invariants: compiled closures against fhirpathpy, for speed and for agreement.

    .venv/bin/python benchmarks/invariants.py fixtures/golden [/tmp/fhirpkg/package ...]

Each argument is a folder of FHIR JSON resources (Bundles are walked whole). Figures printed:

- agreement: every invariant the validator evaluates, answered by the closures (the default) and
  by fhirpathpy alone; how many compiled, how many went through fhirpathpy, and each difference
  (there should be none, but for invariants fhirpathpy cannot evaluate at all, such as rng-2);
- speed: time inside ``Invariants.evaluate`` per resource, best of the rounds, each way.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adapter.validation import Validator
from adapter.validation.invariants import Invariants
from adapter.validation.records import Constraint


class Agreement(Invariants):
    """Answers with the closures and counts where fhirpathpy alone answers otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.reference = Invariants(native=False)
        self.counts: Counter[str] = Counter()
        self.not_compiled: Counter[str] = Counter()
        self.differences: Counter[tuple[str, str, str]] = Counter()

    def evaluate(
        self, constraint: Constraint, node: Any, type_path: str, resource: Any, root: Any
    ) -> bool | str:
        ours = super().evaluate(constraint, node, type_path, resource, root)
        theirs = self.reference.evaluate(constraint, node, type_path, resource, root)
        is_resource = isinstance(node, dict) and "resourceType" in node
        focus_type = str(node["resourceType"]) if is_resource else type_path
        if self.native(str(constraint.expression), focus_type) is None:
            self.counts["through fhirpathpy (not compiled)"] += 1
            self.not_compiled[constraint.key] += 1
        else:
            self.counts["compiled"] += 1
        if _kind(ours) != _kind(theirs):
            self.differences[(constraint.key, str(ours)[:60], str(theirs)[:60])] += 1
        return ours


class Timed(Invariants):
    """Measures the time spent inside evaluate()."""

    def __init__(self, native: bool) -> None:
        super().__init__(native=native)
        self.seconds = 0.0

    def evaluate(
        self, constraint: Constraint, node: Any, type_path: str, resource: Any, root: Any
    ) -> bool | str:
        start = time.perf_counter()
        try:
            return super().evaluate(constraint, node, type_path, resource, root)
        finally:
            self.seconds += time.perf_counter() - start


def _kind(outcome: bool | str) -> object:
    return outcome if isinstance(outcome, bool) else "not evaluated"


def _resources(folders: Sequence[Path]) -> list[dict[str, Any]]:
    found = []
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            try:
                data = json.loads(path.read_text())
            except (ValueError, UnicodeDecodeError):
                continue
            if isinstance(data, dict) and "resourceType" in data:
                found.append(data)
    return found


def agreement(resources: list[dict[str, Any]]) -> None:
    validator = Validator()
    checked = Agreement()
    validator.context.invariants = checked
    for resource in resources:
        validator.validate(resource)
    print(f"agreement over {len(resources)} resources: {dict(checked.counts)}")
    print(f"  not compiled, by key: {dict(checked.not_compiled.most_common())}")
    print(f"  differences: {sum(checked.differences.values())}")
    for (key, ours, theirs), count in checked.differences.most_common():
        print(f"    {count} x {key}: closures {ours!r}, fhirpathpy {theirs!r}")


def speed(resources: list[dict[str, Any]], rounds: int) -> None:
    for native in (False, True):
        validator = Validator()
        timed = Timed(native)
        validator.context.invariants = timed
        for resource in resources:
            validator.validate(resource)  # compiled and cached before timing
        best = float("inf")
        for _ in range(rounds):
            timed.seconds = 0.0
            for resource in resources:
                validator.validate(resource)
            best = min(best, timed.seconds)
        label = "closures" if native else "fhirpathpy only"
        per_resource = best / len(resources) * 1e6
        print(f"{label:>16}: {per_resource:8.0f} us in invariants per resource (a Bundle is one)")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    resources = _resources(args.folders)
    agreement(resources)
    speed(resources, args.rounds)


if __name__ == "__main__":
    main()
