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
# To add another package that ships a ready browser build:
#   1. add NAME_VERSION / NAME_INTEGRITY pins below,
#   2. add a block in main(): `vendor_pkg <npm-name> <version> <integrity>`,
#      `reset_dest <dir>`, then `copy_file` / `copy_css_with_urls` steps,
#      then `write_version`.
#
# Bundles (packages that ship only ES modules): the bpmn-js Modeler with its
# properties panel, and form-js (editor + viewer). Their inputs live in
# scripts/vendor/: package.json pins exact versions (bpmn-js there must equal
# BPMN_JS_VERSION below), package-lock.json pins every transitive package with
# its sha512 integrity (`npm ci` verifies them), and *-entry.js say what each
# bundle exports. The script installs them into a temp dir and bundles each
# entry with the pinned esbuild into ONE minified IIFE with a global:
#   vendor/bpmn-modeler-bundle/integraflow-modeler.js  -> window.IntegraflowModeler
#   vendor/form-js/integraflow-form-js.js              -> window.IntegraflowFormJs
# plus the libraries' CSS, a VERSIONS file and the license of every bundled
# package (THIRD_PARTY_LICENSES.txt, generated from esbuild's metafile).
# To bump: edit scripts/vendor/package.json, run
# `npm install --package-lock-only --ignore-scripts` in scripts/vendor/, re-run
# this script, check the editor pages in a browser (CSP!), commit the diff.
set -euo pipefail

# ---- pinned versions ---------------------------------------------------------
BPMN_JS_VERSION=18.31.1
BPMN_JS_INTEGRITY='sha512-Hc7LzrgwfcBRUAdI/380Q2v1MJ115atGEVGadawLfDbHdo+r+IkmNj8fuYPFmWglUYt1KYIaC46OeX16HGTKQw=='
# dmn-js ships a ready browser build of its modeler (decision table editor), so it is copied, not bundled.
DMN_JS_VERSION=17.10.2
DMN_JS_INTEGRITY='sha512-AIONwKnrDoIIfVwv7iLmNNLKcF6bcKf1fkoB9euEyhaOTbi6p/InCoVQWitVqCrBXqw3aCpNCuql71xj79penQ=='

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

# ---- esbuild bundles ---------------------------------------------------------
BUNDLE_SRC="$REPO_ROOT/scripts/vendor"
BUNDLE_WORK=""

# install_bundle_inputs  -- `npm ci` the pinned bundle inputs into a temp dir.
install_bundle_inputs() {
    BUNDLE_WORK="$WORK_DIR/bundle"
    mkdir -p "$BUNDLE_WORK"
    cp "$BUNDLE_SRC/package.json" "$BUNDLE_SRC/package-lock.json" "$BUNDLE_SRC"/*-entry.js "$BUNDLE_WORK/"
    log "installing bundle inputs (npm ci, integrity-checked against package-lock.json)"
    (cd "$BUNDLE_WORK" && npm ci --ignore-scripts --no-audit --no-fund --silent) \
        || die "npm ci failed in $BUNDLE_WORK"
    local bundled_bpmn_js
    bundled_bpmn_js="$(node -p 'require(process.argv[1]).version' "$BUNDLE_WORK/node_modules/bpmn-js/package.json")"
    [ "$bundled_bpmn_js" = "$BPMN_JS_VERSION" ] \
        || die "scripts/vendor/package.json has bpmn-js $bundled_bpmn_js, the viewer is pinned to $BPMN_JS_VERSION"
    apply_csp_patches
}

# apply_csp_patches  -- remove the few inline styles the bundled libraries would
# add (`style="..."` attributes set through innerHTML and <style> elements are
# blocked by our CSP, style-src 'self'; styles set through element.style and
# constructable stylesheets stay allowed). Each patch
# must match exactly once, so a version bump that changes the code stops here
# instead of shipping a CSP violation. The dropped declarations are restated
# in web/static/css/editor.css.
apply_csp_patches() {
    (cd "$BUNDLE_WORK" && node -e '
        const fs = require("fs");
        const patches = [
          ["node_modules/bpmn-js-properties-panel/dist/index.esm.js",
           "<div style=\"height: 100%\" tabindex=\"-1\" class=\"bio-properties-panel-container\">",
           "<div tabindex=\"-1\" class=\"bio-properties-panel-container\">"],
          ["node_modules/bpmn-js-properties-panel/dist/index.esm.js",
           "<div style=\"flex: none; height: auto\" class=\"bio-properties-panel bio-theme-parent bio-properties-panel-header-container\">",
           "<div class=\"bio-properties-panel bio-theme-parent bio-properties-panel-header-container\">"],
          // CodeMirror (FEEL and JSON fields of the properties panels) styles itself through style-mod, which
          // puts a <style> element into <head> unless it has a nonce. Constructable stylesheets
          // (document.adoptedStyleSheets) are not subject to style-src, so let style-mod use them for the
          // document too, as it already does for shadow roots.
          ["node_modules/style-mod/src/style-mod.js",
           "if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {",
           "if (root.adoptedStyleSheets && win.CSSStyleSheet) {"]
        ];
        for (const [file, from, to] of patches) {
            const text = fs.readFileSync(file, "utf8");
            const count = text.split(from).length - 1;
            if (count !== 1) { console.error(`CSP patch expected once in ${file}, found ${count}: ${from}`); process.exit(1); }
            fs.writeFileSync(file, text.replace(from, to));
        }
    ') || die "CSP patches no longer apply (library changed?): check the editor pages for inline styles"
}

# patch_dmn_js_csp FILE  -- the prebuilt dmn-js modeler sets a few inline styles our CSP blocks: the powered-by
# logo's style attributes (restated in web/static/css/decision_tables.css) and style-mod's <style> element for its
# text editors (made to use constructable stylesheets, as in apply_csp_patches); also Inferno's development-build
# console error. Each patch must match once.
patch_dmn_js_csp() {
    node -e '
        const fs = require("fs");
        const file = process.argv[1];
        const patches = [
          [" style=\"vertical-align:middle\"", ""],
          [" style=\"position: absolute; bottom: 15px; right: 15px; z-index: 100;\"", ""],
          ["if(!e.head&&e.adoptedStyleSheets&&i.CSSStyleSheet){", "if(e.adoptedStyleSheets&&i.CSSStyleSheet){"],
          // dmn-js 17 ships Inferno with its development check, which logs an error on every page load.
          ["-1===(Hr.name||Hr.toString()).indexOf(\"testFn\")&&wo(", "!1&&wo("]
        ];
        let text = fs.readFileSync(file, "utf8");
        for (const [from, to] of patches) {
            const count = text.split(from).length - 1;
            if (count !== 1) { console.error(`dmn-js CSP patch expected once, found ${count}: ${from}`); process.exit(1); }
            text = text.replace(from, to);
        }
        fs.writeFileSync(file, text);
    ' "$1" || die "dmn-js CSP patches no longer apply (library changed?): check the table editor for inline styles"
}

# build_bundle ENTRY GLOBAL OUTFILE  -- esbuild ENTRY into one minified IIFE.
build_bundle() {
    local entry="$1" global="$2" outfile="$3"
    log "bundling $entry -> $outfile (global $global)"
    (cd "$BUNDLE_WORK" && ./node_modules/.bin/esbuild "$entry" --bundle --minify --format=iife \
        --global-name="$global" --target=es2019 --legal-comments=none --log-level=warning \
        --metafile="$entry.meta.json" --outfile="$outfile") || die "esbuild failed for $entry"
    chmod 0644 "$outfile"
}

# write_bundle_notices ENTRY DEST_DIR  -- VERSIONS (name@version of every bundled
# package) and THIRD_PARTY_LICENSES.txt (their license files), from the metafile.
write_bundle_notices() {
    local entry="$1" dest="$2"
    (cd "$BUNDLE_WORK" && node -e '
        const fs = require("fs"), path = require("path");
        const [meta, dest] = process.argv.slice(1);
        const dirs = new Set();
        for (const input of Object.keys(JSON.parse(fs.readFileSync(meta)).inputs)) {
            const m = input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
            if (m) dirs.add(m[1]);
        }
        const versions = [], licenses = [];
        for (const dir of [...dirs].sort()) {
            const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json")));
            versions.push(`${pkg.name}@${pkg.version}`);
            const file = fs.readdirSync(dir).find(f => /^(licen[cs]e|copying)(\.|$)/i.test(f));
            const text = file ? fs.readFileSync(path.join(dir, file), "utf8").trim()
                              : `License: ${pkg.license || "see package"} (no license file in the package)`;
            licenses.push(`==== ${pkg.name}@${pkg.version} ====\n\n${text}\n`);
        }
        fs.writeFileSync(path.join(dest, "VERSIONS"), versions.join("\n") + "\n");
        fs.writeFileSync(path.join(dest, "THIRD_PARTY_LICENSES.txt"), licenses.join("\n"));
    ' "$entry.meta.json" "$dest") || die "could not write notices for $entry"
}

main() {
    install_bundle_inputs

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
    # The modeler's own CSS is the same diagram-js.css / bpmn-js.css / bpmn-font
    # as the viewer's (same bpmn-js version), so it is not copied twice.

    # ---- dmn-js (modeler: decision table editor, prebuilt) ---------------------
    vendor_pkg dmn-js "$DMN_JS_VERSION" "$DMN_JS_INTEGRITY"
    dest="$VENDOR_ROOT/dmn-js"
    reset_dest "$dest"
    copy_file dist/dmn-modeler.production.min.js dmn-modeler.production.min.js "$dest"
    patch_dmn_js_csp "$dest/dmn-modeler.production.min.js"
    for css in diagram-js dmn-js-shared dmn-js-decision-table dmn-js-decision-table-controls dmn-js-drd; do
        copy_css_with_urls "dist/assets/$css.css" "$css.css" "$dest"
    done
    copy_css_with_urls dist/assets/dmn-font/css/dmn.css dmn-font/css/dmn.css "$dest"
    copy_file LICENSE LICENSE "$dest"
    write_version "$DMN_JS_VERSION" "$dest"

    # ---- bpmn-js Modeler + properties panel (esbuild bundle) ------------------
    dest="$VENDOR_ROOT/bpmn-modeler-bundle"
    reset_dest "$dest"
    build_bundle modeler-entry.js IntegraflowModeler "$dest/integraflow-modeler.js"
    PKG_DIR="$BUNDLE_WORK/node_modules/@bpmn-io/properties-panel"
    copy_css_with_urls dist/assets/properties-panel.css properties-panel.css "$dest"
    write_bundle_notices modeler-entry.js "$dest"

    # ---- form-js editor + viewer (esbuild bundle) ------------------------------
    dest="$VENDOR_ROOT/form-js"
    reset_dest "$dest"
    build_bundle form-js-entry.js IntegraflowFormJs "$dest/integraflow-form-js.js"
    PKG_DIR="$BUNDLE_WORK/node_modules/@bpmn-io/form-js-viewer"
    copy_css_with_urls dist/assets/form-js.css form-js.css "$dest"
    copy_css_with_urls dist/assets/flatpickr/light.css flatpickr/light.css "$dest"
    PKG_DIR="$BUNDLE_WORK/node_modules/@bpmn-io/form-js-editor"
    copy_css_with_urls dist/assets/form-js-editor.css form-js-editor.css "$dest"
    copy_css_with_urls dist/assets/draggle.css draggle.css "$dest"
    # The editor's properties panel uses the same @bpmn-io/properties-panel as the
    # modeler: its CSS is vendor/bpmn-modeler-bundle/properties-panel.css.
    write_bundle_notices form-js-entry.js "$dest"

    log "done:"
    (cd "$VENDOR_ROOT" && find . -type f | LC_ALL=C sort | sed 's/^\.\//  /') >&2
}

main "$@"
