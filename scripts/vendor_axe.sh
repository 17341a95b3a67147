#!/usr/bin/env bash
# Vendor axe-core for the accessibility browser tests into tests/browser/vendor/axe-core/.
#
# axe-core is a TEST tool: production pages never load it (web/static stays free of it). The files are committed,
# so running the tests needs no npm; only whoever bumps the pin runs this script (npm is used purely as a download
# client for the npm registry). To bump: change the version AND its integrity
# (`npm view axe-core@<version> dist.integrity`), re-run, run tests/browser/test_accessibility.py, commit the diff.
set -euo pipefail

AXE_VERSION=4.14.1
AXE_INTEGRITY='sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=='

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$REPO_ROOT/tests/browser/vendor/axe-core"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
tarball="$(npm pack "axe-core@$AXE_VERSION" --silent)"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | openssl base64 -A)"
if [[ "$actual" != "$AXE_INTEGRITY" ]]; then
  echo "axe-core@$AXE_VERSION: integrity mismatch ($actual)" >&2
  exit 1
fi
tar -xzf "$tarball"
rm -rf "$DEST"
mkdir -p "$DEST"
cp package/axe.min.js package/LICENSE "$DEST/"
echo "axe-core $AXE_VERSION ($AXE_INTEGRITY)" > "$DEST/VERSION"
echo "vendored axe-core $AXE_VERSION into ${DEST#"$REPO_ROOT"/}"
