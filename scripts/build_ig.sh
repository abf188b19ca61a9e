#!/usr/bin/env bash
# Rebuild the implementation guide (ig/input/fsh -> ig/fsh-generated/resources) with SUSHI, offline.
#
#   scripts/build_ig.sh           compile ig/ in place (then commit ig/fsh-generated)
#   scripts/build_ig.sh --check   compile a temporary copy; fail, listing the files that differ, when the
#                                 committed ig/fsh-generated is stale
#
# SUSHI needs the R4 core package in its cache (~/.fhir/packages). The official R4 definitions package
# on the npm registry (hl7.fhir.r4.examples 4.0.1, CC0) holds every R4 conformance resource, so it is
# fetched with `npm pack` and laid out as hl7.fhir.r4.core#4.0.1. The IG declares no other dependency.
# SUSHI also adds "automatic" dependencies (hl7.fhir.uv.tools.r4, hl7.terminology.r4,
# hl7.fhir.uv.extensions.r4, each at "latest") that it would ask the FHIR package registry for; the IG
# uses none of them, so SUSHI is run with that list emptied (run_sushi) and its log is checked for any
# sign of a download. Only resources/ is kept: SUSHI's index files and includes/ are build by-products.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SUSHI_VERSION="3.21.0"
CORE_DIR="$HOME/.fhir/packages/hl7.fhir.r4.core#4.0.1"  # where SUSHI looks (os.homedir())

mode="build"
case "${1:-}" in
  "") ;;
  --check) mode="check" ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

say() { echo "build_ig: $*" >&2; }

ensure_core_package() {
  if [[ -f "$CORE_DIR/package/package.json" ]]; then
    return
  fi
  say "R4 core package missing from the SUSHI cache; laying out $CORE_DIR from hl7.fhir.r4.examples@4.0.1"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent hl7.fhir.r4.examples@4.0.1 >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/hl7.fhir.r4.examples-4.0.1.tgz -C "$tmp/unpacked"
  # The examples package is the core package plus examples; SUSHI looks the core up by name.
  node -e '
    const fs = require("fs");
    const file = process.argv[1];
    const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
    manifest.name = "hl7.fhir.r4.core";
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
  ' "$tmp/unpacked/package/package.json"
  mkdir -p "$(dirname "$CORE_DIR")"
  rm -rf "$CORE_DIR"
  mv "$tmp/unpacked" "$CORE_DIR"
  rm -rf "$tmp"
}

ensure_sushi() {
  if command -v sushi >/dev/null 2>&1; then
    local have
    have="$(sushi --version 2>/dev/null | sed -n 's/^SUSHI v\([0-9.]*\).*/\1/p')"
    if [[ "$have" != "$SUSHI_VERSION" ]]; then
      say "warning: sushi $have found, the committed output was built with $SUSHI_VERSION"
    fi
    return
  fi
  say "sushi missing; installing fsh-sushi@$SUSHI_VERSION"
  npm install --global --silent "fsh-sushi@$SUSHI_VERSION"
}

# Run SUSHI on one IG folder; fail on SUSHI errors, warnings, or any sign of a download.
run_sushi() {
  local ig="$1" log app
  log="$(mktemp)"
  app="$(readlink -f "$(command -v sushi)")"
  # SUSHI's command-line entry point, with its automatic-dependency list emptied first (pinned
  # $SUSHI_VERSION keeps that list in dist/utils/Processing.js).
  if ! node -e '
    const path = require("path");
    const app = process.argv[1];
    const automatic = require(path.join(path.dirname(app), "utils", "Processing.js")).AUTOMATIC_DEPENDENCIES;
    if (!Array.isArray(automatic)) {
      console.error("build_ig: this SUSHI keeps no AUTOMATIC_DEPENDENCIES list; install fsh-sushi@3.21.0");
      process.exit(2);
    }
    automatic.length = 0;
    process.argv = [process.argv[0], app, ...process.argv.slice(2)];
    require(app);
  ' "$app" build "$ig" >"$log" 2>&1; then
    cat "$log" >&2
    say "SUSHI failed on $ig"
    rm -f "$log"
    return 1
  fi
  # A download shows as "Attempting to download", "Resolved ... to concrete version", "Failed to
  # load"/"Failed to download", or a package loaded other than R4 core and SUSHI's in-memory ones.
  local other_packages
  other_packages="$(grep -E '^info  Loaded ' "$log" | grep -Ev 'Loaded (virtual package |hl7\.fhir\.r4\.core#4\.0\.1 )' || true)"
  if [[ -n "$other_packages" ]] ||
    grep -Eq 'Attempting to download|to concrete version|Failed to (load|download)|Falling back to' "$log"; then
    cat "$log" >&2
    say "SUSHI tried to fetch a package: the IG must build from the local cache alone"
    rm -f "$log"
    return 1
  fi
  if grep -Eq '^(error|warn) ' "$log"; then
    cat "$log" >&2
    say "SUSHI reported errors or warnings on $ig"
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  rm -rf "$ig/fsh-generated/data" "$ig/fsh-generated/includes" "$ig/fsh-generated/fsh-index.txt"
}

ensure_core_package
ensure_sushi

# Compile a copy of the sources, so a failed build leaves the committed output untouched.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ig"
cp "$ROOT/ig/sushi-config.yaml" "$work/ig/"
cp -r "$ROOT/ig/input" "$work/ig/"
run_sushi "$work/ig"

if [[ "$mode" == "build" ]]; then
  rm -rf "$ROOT/ig/fsh-generated"
  mv "$work/ig/fsh-generated" "$ROOT/ig/fsh-generated"
  say "compiled $(find "$ROOT/ig/fsh-generated/resources" -name '*.json' | wc -l) resources into ig/fsh-generated/resources"
  exit 0
fi

if ! diff -rq "$ROOT/ig/fsh-generated" "$work/ig/fsh-generated" >"$work/diff.txt"; then
  say "ig/fsh-generated is stale: rebuild with scripts/build_ig.sh and commit it. Differing files:"
  sed -e "s#$work/ig/#(rebuilt) ig/#g" -e "s#$ROOT/##g" "$work/diff.txt" >&2
  exit 1
fi
say "ig/fsh-generated is up to date"
