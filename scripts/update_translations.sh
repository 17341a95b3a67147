#!/usr/bin/env bash
# Refresh the UI translations after German strings in web/ changed.
#
# The German text in web/templates/**.html (and any gettext call in web/**.py) is the msgid; English lives in
# web/translations/en/LC_MESSAGES/messages.po. Both the .po and the compiled .mo are committed, so installing
# Integraflow needs no build step; whoever changes a UI string runs this script, translates, and commits.
#
# Usage:  scripts/update_translations.sh            (from anywhere inside the repo)
#         scripts/update_translations.sh fr         (also start a catalog for a new locale)
#
# Steps: 1. extract all msgids into web/translations/messages.pot (mapping in babel.cfg),
#        2. merge them into every existing catalog (`pybabel update`: new strings get an empty msgstr,
#           slightly changed ones a guessed translation flagged "fuzzy", vanished ones are dropped),
#        3. compile the catalogs to .mo.
# Then translate every empty or "#, fuzzy" entry in the .po (remove the fuzzy flag when done) and run the
# script again so the .mo is rebuilt. tests/web/test_i18n.py fails while a msgid is untranslated or fuzzy
# or while the catalog lags behind the templates.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
pybabel() { "$PYTHON" -m babel.messages.frontend "$@"; }

DIR=web/translations
POT="$DIR/messages.pot"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml | head -n 1)"

mkdir -p "$DIR"
fresh="$(mktemp)"
trap 'rm -f "$fresh"' EXIT
pybabel -q extract -F babel.cfg --project=Integraflow --version="${VERSION:-0}" \
  --copyright-holder=Integraflow -o "$fresh" .
# Keep the committed template when only its creation date would change (no diff noise on every run).
without_date() { grep -v '^"POT-Creation-Date: ' "$1" || true; }
if [[ ! -f "$POT" ]] || ! diff -q <(without_date "$POT") <(without_date "$fresh") >/dev/null; then
  cp "$fresh" "$POT"
  echo "updated $POT"
fi

for locale in "$@"; do
  if [[ ! -f "$DIR/$locale/LC_MESSAGES/messages.po" ]]; then
    pybabel init -i "$POT" -d "$DIR" -l "$locale"
  fi
done

pybabel update -i "$POT" -d "$DIR" --ignore-obsolete --previous --ignore-pot-creation-date
pybabel compile -d "$DIR" --statistics

echo
echo "Now translate the empty and '#, fuzzy' entries in $DIR/*/LC_MESSAGES/messages.po, re-run this script,"
echo "and commit $POT together with the .po and .mo files."
