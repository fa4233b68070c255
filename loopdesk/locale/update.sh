#!/usr/bin/env bash
# Refresh the translation catalogues: collect new strings from the code, then compile.
#
#   loopdesk/locale/update.sh            # from anywhere; uses the repo's .venv if present
#
# After it runs, translate every new (empty or "#, fuzzy") entry in
# loopdesk/locale/zh_Hans/LC_MESSAGES/django.po, remove the fuzzy flags, and run it again so the
# .mo files match. The en catalogue stays untranslated on purpose (English is the source text).
# `pytest tests/i18n` fails while anything is untranslated, fuzzy or not compiled.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3

"$PY" manage.py makemessages -l zh_Hans -l en \
    --ignore=.venv --ignore=var --ignore=bench --ignore=tests
"$PY" manage.py compilemessages --ignore=.venv

PO=loopdesk/locale/zh_Hans/LC_MESSAGES/django.po
echo
echo "zh_Hans: $(msgfmt --statistics -o /dev/null "$PO" 2>&1)"
if command -v msgattrib >/dev/null; then
    todo="$(msgattrib --untranslated --no-obsolete --no-wrap "$PO" | grep -c '^msgid ' || true)"
    fuzzy="$(msgattrib --only-fuzzy --no-obsolete --no-wrap "$PO" | grep -c '^msgid ' || true)"
    # Both counts include the header entry when there is anything to report.
    if [ "$todo" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
        echo "To translate in $PO:"
        msgattrib --untranslated --no-obsolete --no-wrap "$PO" | grep '^msgid "..*"' || true
        msgattrib --only-fuzzy --no-obsolete --no-wrap "$PO" | grep '^msgid "..*"' | sed 's/^/(fuzzy) /' || true
    fi
fi
