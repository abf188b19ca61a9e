"""Agreement with the HL7 Java reference validator over the fhir-test-cases subset.

    python -m adapter.validation.conformance ../shared/fhir-test-cases [--module general] [--case ai3]

For each case the instance is validated against the base spec (with the case's supporting
definitions loaded), then - when the case names one - against its profile. A case *agrees
exactly* when every step's error count (error + fatal) equals the reference's; *pass/fail
agreement* only asks whether both found errors or both found none. Per module the runner prints
cases, exact agreement and pass/fail agreement, then lists each disagreement with the first of
our messages and of the reference's.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from adapter.definitions import Definitions, MemorySource
from adapter.outcome import Issue
from adapter.validation.inputs import load_file
from adapter.validation.validator import Validator

TERMINOLOGY = "needs a terminology server: the reference's error count includes {} result(s) of one ({})"
UNREACHABLE: Mapping[str, str] = {
    "mni-patientOverview-bundle-example1": TERMINOLOGY.format(1, "a LOINC display in de-CH"),
    "mni-patientOverview-bundle-example1b": TERMINOLOGY.format(1, "a LOINC display in de-CH"),
    "sdoh-type-slice": TERMINOLOGY.format(1, "a LOINC display"),
    "bundle-id-3": TERMINOLOGY.format(1, "a CVX display"),
    "bundle-with-contained": TERMINOLOGY.format(2, "a LOINC and an NCI Thesaurus display"),
    "uk-msg": TERMINOLOGY.format(4, "SNOMED CT dm+d codes and displays"),
    "ips-nz-pj": TERMINOLOGY.format(4, "LOINC displays"),
    "bundle-enrl": TERMINOLOGY.format(3, "LOINC and SNOMED CT displays"),
    "contained-resource-bad-id-ignore": "runs the reference with validateContains=IGNORE, "
    "a setting index.json does not carry",
    "bad-markdown-no-html": "runs the reference with html-in-markdown=error (the case's name; its "
    "default, InstanceValidatorParameters.htmlInMarkdownCheck, is WARNING), a setting index.json does "
    "not carry",
    "extension-version-restriction-range-ctxt-r4": "loads structuredefinition-version-range-ctxt.xml, "
    "a file not in this subset",
    "bb-obs-value-is-not-in-valueset": "the reference's base step ran without the case's supporting files "
    "(its outcome says the meta.profile could not be found); index.json lists them for both steps",
    "de-address-example": "the reference's base step ran without the case's supporting files "
    "(its outcome says the meta.profile could not be found); index.json lists them for both steps",
    "patient-circle1-bad-linked1": "the reference validates the linked Patient, a file its test harness "
    "fetched that is not in this subset",
    "patient-circle1-bad-source1": "the reference validates the linked Patient, a file its test harness "
    "fetched that is not in this subset",
    "patient-extension-complex-bad1": "the reference checks the context of the bodySite extension from "
    "the extensions package 5.3.0-ballot, which the case does not supply",
    "ext-derived-circle": "listed twice in index.json for the same files, expecting 4 errors and 0 errors",
    "mycommunication.invalid": "the reference checks the type of Observation/example, which none of the "
    "case's files holds; with assumeValidRestReferences off (its default, and index.json sets nothing) it "
    "checks only references it can resolve, so its test harness fetched a file that is not in this subset",
    "aggregation-apart-good4": "the reference reports no Encounter.class min=1 error here, "
    "yet reports it for the same Encounter in aggregation-bundle-good4/bad4: "
    "its outcome is not reproducible by rule",
}
"""Cases whose exact agreement is out of reach for a local validator, with the reason. They stay
in every figure and in the disagreement list; the runner only names them and also prints the
agreement over the remaining cases."""


@dataclass
class Step:
    expected: int
    got: int
    ours: list[Issue] = field(default_factory=list)
    theirs: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.expected == self.got

    @property
    def same_verdict(self) -> bool:
        return (self.expected > 0) == (self.got > 0)


@dataclass
class CaseResult:
    name: str
    module: str
    steps: list[Step]

    @property
    def exact(self) -> bool:
        return all(s.exact for s in self.steps)

    @property
    def same_verdict(self) -> bool:
        return all(s.same_verdict for s in self.steps)


def _supporting(folder: Path, names: Sequence[str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    resources: list[dict[str, Any]] = []
    urls: dict[str, str] = {}
    for name in names:
        loaded = load_file(folder / name)
        for resource in loaded.resources:
            if isinstance(resource, dict):
                resources.append(resource)
                if isinstance(resource.get("url"), str):
                    urls[name] = resource["url"]
    return resources, urls


def _listed(value: Any) -> tuple[str, ...]:
    """A flag given as one string or a list of them."""
    if isinstance(value, str):
        return (value,)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def run_case(root: Path, case: dict[str, Any]) -> CaseResult:
    """Validate one case's instance (base step, then profile step) and compare with the reference."""
    folder = root / "files"
    supporting, urls = _supporting(folder, case.get("supporting") or [])
    definitions = Definitions.core_only().with_source(MemorySource(supporting, name=case["case"]))
    flags = case.get("flags") or {}
    rule = flags.get("bundle-param")
    validator = Validator(
        definitions,
        allow_example_urls=flags.get("examples", True),
        bundle_profiles=[(rule["rule"], rule["profile"])] if isinstance(rule, dict) else (),
        # The reference's default: an unresolved reference's URL does not say its target's type.
        assume_valid_rest_references=flags.get("assumeValidRestReferences", False),
        allowed_extension_domains=_listed(flags.get("allowed-extension-domain")),
    )
    loaded = load_file(folder / case["resource"])
    profile_name = case.get("profile")
    wanted: list[tuple[str, int, list[str], tuple[str, ...]]] = [
        ("base", case.get("expected_base_errors") or 0, case.get("expected_messages_base") or [], ())
    ]
    if profile_name:
        url = urls.get(profile_name, profile_name)
        wanted.append(
            (
                "profile",
                case.get("expected_profile_errors") or 0,
                case.get("expected_messages_profile") or [],
                (url,),
            )
        )
    steps = []
    for _, expected, messages, profiles in wanted:
        issues = list(loaded.issues)
        for resource in loaded.resources:
            issues.extend(validator.validate(resource, profiles=profiles).issues)
        errors = [i for i in issues if i.is_error]
        theirs = [m for m in messages if m.startswith(("error", "fatal"))]
        steps.append(Step(expected, len(errors), errors, theirs))
    return CaseResult(case["case"], case.get("module") or "none", steps)


def run(root: Path, *, module: str | None = None, case_name: str | None = None) -> list[CaseResult]:
    cases = orjson.loads((root / "index.json").read_bytes())
    results = []
    for case in cases:
        if module and (case.get("module") or "none") != module:
            continue
        if case_name and case["case"] != case_name:
            continue
        try:
            results.append(run_case(root, case))
        except Exception as problem:  # one broken case must not hide the figures of the others
            failed = Step(case.get("expected_base_errors") or 0, -1)
            failed.ours = [Issue.error("exception", "runner.crash", f"{type(problem).__name__}: {problem}")]
            results.append(CaseResult(case["case"], case.get("module") or "none", [failed]))
    return results


def report(results: list[CaseResult], *, verbose: bool = True) -> str:
    by_module: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        by_module[result.module].append(result)
    lines = [f"{'module':<12}{'cases':>6}{'exact':>8}{'pass/fail':>11}"]
    for name, group in sorted(by_module.items()):
        exact = sum(r.exact for r in group)
        verdict = sum(r.same_verdict for r in group)
        lines.append(f"{name:<12}{len(group):>6}{exact:>8}{verdict:>11}")
    total = len(results) or 1
    exact_all = sum(r.exact for r in results)
    verdict_all = sum(r.same_verdict for r in results)
    lines.append(
        f"{'ALL':<12}{len(results):>6}{exact_all:>8}{verdict_all:>11}   "
        f"exact {100 * exact_all / total:.1f}%  pass/fail {100 * verdict_all / total:.1f}%"
    )
    reachable = [r for r in results if r.name not in UNREACHABLE]
    if len(reachable) < len(results):
        share = 100 * sum(r.exact for r in reachable) / (len(reachable) or 1)
        lines.append(
            f"{'reachable':<12}{len(reachable):>6}{sum(r.exact for r in reachable):>8}"
            f"{sum(r.same_verdict for r in reachable):>11}   exact {share:.1f}% "
            f"(without the {len(results) - len(reachable)} cases named in UNREACHABLE)"
        )
    if verbose:
        lines.append("")
        lines.append("Disagreements (case: step expected -> got; first messages):")
        for result in results:
            if result.exact:
                continue
            for index, step in enumerate(result.steps):
                if step.exact:
                    continue
                label = "base" if index == 0 else "profile"
                lines.append(
                    f"- {result.module}/{result.name} [{label}] expected {step.expected}, got {step.got}"
                )
                if result.name in UNREACHABLE:
                    lines.append(f"    out of reach: {UNREACHABLE[result.name]}")
                for issue in step.ours[:3]:
                    lines.append(f"    ours:   {issue}"[:240])
                for message in step.theirs[:3]:
                    lines.append(f"    theirs: {message}"[:240])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Agreement with the HL7 reference validator")
    parser.add_argument("root", type=Path, help="the fhir-test-cases folder (holds index.json and files/)")
    parser.add_argument("--module", help="only this module")
    parser.add_argument("--case", help="only this case")
    parser.add_argument("--quiet", action="store_true", help="figures only, no list of disagreements")
    args = parser.parse_args(argv)
    if not (args.root / "index.json").is_file():
        print(f"{args.root}: no index.json here", file=sys.stderr)
        return 2
    results = run(args.root, module=args.module, case_name=args.case)
    print(report(results, verbose=not args.quiet))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
