#!/usr/bin/env bash
# Refreshes the vendored UI kit in internal/web/static/vendor from the npm
# registry. The built files are committed so that `go build` alone makes a
# complete binary; run this only to upgrade them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --silent @tabler/core@1.6.1 htmx.org@2.0.11 @tabler/icons-sprite@3.48.0
out="$here/internal/web/static/vendor"
cp node_modules/@tabler/core/dist/css/tabler.min.css node_modules/@tabler/core/dist/js/tabler.min.js \
   node_modules/htmx.org/dist/htmx.min.js "$out/"
# Only the icons the templates use go into the sprite (the full one is 2 MB).
# Names come from the templates (icon "x", "Icon" "x") and from activityIcon
# in render.go; a test checks that every name used is in the sprite.
icons=$( { grep -rhoE '(icon|"Icon") "[a-z0-9-]+"' "$here/internal/web/templates" | sed -E 's/.*"([a-z0-9-]+)"$/\1/';
           sed -n '/^func activityIcon/,/^}/p' "$here/internal/web/render.go" | grep -oE 'return "[a-z0-9-]+"' | sed -E 's/return "(.*)"/\1/'; } | sort -u)
python3 - "$out/icons.svg" node_modules/@tabler/icons-sprite/dist/tabler-sprite.svg $icons <<'PY'
import re, sys
out, sprite, names = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(sprite).read()
symbols = []
for n in names:
    m = re.search(r'<symbol id="tabler-%s".*?</symbol>' % re.escape(n), text, re.S)
    if not m:
        sys.exit("icon not found: " + n)
    symbols.append(m.group(0))
open(out, "w").write('<svg xmlns="http://www.w3.org/2000/svg"><defs>' + "".join(symbols) + "</defs></svg>\n")
PY
echo "vendored into $out"
