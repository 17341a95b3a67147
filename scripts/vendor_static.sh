#!/usr/bin/env bash
# Vendor third-party browser assets into web/static/vendor/.
#
# The results are committed, so installing/running Integraflow never needs npm
# or a CDN; only whoever bumps a version below runs this script (needs `npm`,
# which is used purely as a download client for the npm registry).
#
# Usage:  scripts/vendor_static.sh          (from anywhere inside the repo)
#
# To bump a version: change the pin AND its integrity hash
# (`npm view <pkg>@<version> dist.integrity`), re-run, review and commit the diff.
#
# To add another package (e.g. the bpmn-js modeler bundle or form-js):
#   1. add NAME_VERSION / NAME_INTEGRITY pins below,
#   2. add a block in main(): `vendor_pkg <npm-name> <version> <integrity>`,
#      `reset_dest <dir>`, then `copy_file` / `copy_css_with_urls` steps,
#      then `write_version`.
set -euo pipefail

# ---- pinned versions ---------------------------------------------------------
BPMN_JS_VERSION=18.31.1
BPMN_JS_INTEGRITY='sha512-Hc7LzrgwfcBRUAdI/380Q2v1MJ115atGEVGadawLfDbHdo+r+IkmNj8fuYPFmWglUYt1KYIaC46OeX16HGTKQw=='

# ---- paths -------------------------------------------------------------------
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR_ROOT="$REPO_ROOT/web/static/vendor"

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/ifl-vendor.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT

# Directory of the most recently extracted package (set by vendor_pkg).
PKG_DIR=""

log() { printf '[vendor] %s\n' "$*" >&2; }
die() { printf '[vendor] ERROR: %s\n' "$*" >&2; exit 1; }

command -v npm >/dev/null 2>&1 || die "npm is required to run this script (it is only needed for vendoring, not for installing the app)"
command -v node >/dev/null 2>&1 || die "node is required to verify package integrity"

# vendor_pkg NAME VERSION [INTEGRITY]
#   Downloads NAME@VERSION with `npm pack`, verifies the sha512 integrity if
#   given, extracts it and sets PKG_DIR to the extracted package root.
vendor_pkg() {
    local name="$1" version="$2" integrity="${3:-}"
    local dir="$WORK_DIR/${name//\//__}@$version"
    mkdir -p "$dir"
    log "fetching $name@$version"
    local tarball
    tarball="$(cd "$dir" && npm pack --silent --ignore-scripts "$name@$version" | tail -n 1)"
    [ -f "$dir/$tarball" ] || die "npm pack did not produce a tarball for $name@$version"
    if [ -n "$integrity" ]; then
        local actual
        actual="sha512-$(node -e '
            const c = require("crypto"), fs = require("fs");
            process.stdout.write(c.createHash("sha512").update(fs.readFileSync(process.argv[1])).digest("base64"));
        ' "$dir/$tarball")"
        [ "$actual" = "$integrity" ] || die "integrity mismatch for $name@$version: expected $integrity, got $actual"
    fi
    mkdir -p "$dir/extract"
    tar -xzf "$dir/$tarball" -C "$dir/extract"
    PKG_DIR="$dir/extract/package"
    [ -d "$PKG_DIR" ] || die "unexpected tarball layout for $name@$version"
    local got
    got="$(node -p 'require(process.argv[1]).version' "$PKG_DIR/package.json")"
    [ "$got" = "$version" ] || die "$name: expected version $version, tarball has $got"
}

# reset_dest DIR  -- empty (and create) a vendor destination directory, so files
# dropped upstream do not linger after a version bump.
reset_dest() {
    local dest="$1"
    case "$dest" in
        "$VENDOR_ROOT"/?*) ;;
        *) die "refusing to reset $dest (not below $VENDOR_ROOT)" ;;
    esac
    rm -rf "$dest"
    mkdir -p "$dest"
}

# copy_file SRC_REL DEST_REL DEST_DIR  -- copy PKG_DIR/SRC_REL to DEST_DIR/DEST_REL.
copy_file() {
    local src="$PKG_DIR/$1" dest="$3/$2"
    [ -f "$src" ] || die "missing in package: $1"
    mkdir -p "$(dirname "$dest")"
    cp "$src" "$dest"
    chmod 0644 "$dest"
}

# copy_css_with_urls SRC_REL DEST_REL DEST_DIR
#   Copy a CSS file plus every relative file its url(...) references point to
#   (query strings / fragments stripped), keeping the relative layout so the
#   URLs still resolve. data: and absolute URLs are left alone.
copy_css_with_urls() {
    local src_rel="$1" dest_rel="$2" dest_dir="$3"
    copy_file "$src_rel" "$dest_rel" "$dest_dir"
    local src_base dest_base ref
    src_base="$(dirname "$src_rel")"
    dest_base="$(dirname "$dest_rel")"
    while IFS= read -r ref; do
        [ -n "$ref" ] || continue
        case "$ref" in
            data:*|http:*|https:*|//*|/*|\#*) continue ;;
        esac
        ref="${ref%%\?*}"
        ref="${ref%%#*}"
        copy_file "$src_base/$ref" "$dest_base/$ref" "$dest_dir"
    done < <(grep -o "url([^)]*)" "$PKG_DIR/$src_rel" \
                | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']\$//" \
                | sort -u)
}

# write_version VERSION DEST_DIR
write_version() {
    printf '%s\n' "$1" > "$2/VERSION"
}

main() {
    # ---- bpmn-js (navigated viewer) ------------------------------------------
    vendor_pkg bpmn-js "$BPMN_JS_VERSION" "$BPMN_JS_INTEGRITY"
    local dest="$VENDOR_ROOT/bpmn-js"
    reset_dest "$dest"
    copy_file dist/bpmn-navigated-viewer.production.min.js bpmn-navigated-viewer.production.min.js "$dest"
    copy_css_with_urls dist/assets/diagram-js.css diagram-js.css "$dest"
    copy_css_with_urls dist/assets/bpmn-js.css bpmn-js.css "$dest"
    copy_css_with_urls dist/assets/bpmn-font/css/bpmn.css bpmn-font/css/bpmn.css "$dest"
    copy_file LICENSE LICENSE "$dest"
    write_version "$BPMN_JS_VERSION" "$dest"
    # Later, e.g. the modeler (same package, so just another copy step here):
    #   copy_file dist/bpmn-modeler.production.min.js bpmn-modeler.production.min.js "$dest"
    # or form-js (own package and directory):
    #   vendor_pkg @bpmn-io/form-js "$FORM_JS_VERSION" "$FORM_JS_INTEGRITY"
    #   dest="$VENDOR_ROOT/form-js"; reset_dest "$dest"; copy_file ...; write_version ...

    log "done:"
    (cd "$VENDOR_ROOT" && find . -type f | LC_ALL=C sort | sed 's/^\.\//  /') >&2
}

main "$@"
