#!/usr/bin/env bash
# Compile the target agreement's own gettext catalogs (domain "agreement") to .mo.
#
# The agreement's fixed texts live apart from the web UI's catalogs, in
# engine/reporting/agreement_translations/<lang>/LC_MESSAGES/agreement.po; the msgids are the German texts of
# engine/reporting/templates/target_agreement.html (the `t('…')` calls). Both .po and .mo are committed, so the
# PDF needs no build step. After editing a .po (a translator reviewing an entry removes its
# "#. needs review by a translator" comment), run this script and commit both files.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -m babel.messages.frontend compile -D agreement -d engine/reporting/agreement_translations --statistics
