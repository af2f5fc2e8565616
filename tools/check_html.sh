#!/usr/bin/env bash
# Opens a run's report.html in Debian's headless Chromium and lists the plots
# the browser built (the ids of its <svg> elements), e.g.
#   tools/check_html.sh runs/nncore_package_demo/report.html
# Exit 1 when the page has no plot, 2 when Chromium or the file is missing.
set -euo pipefail
page=${1:?usage: tools/check_html.sh REPORT.html}
[ -f "$page" ] || { echo "check_html: $page: no such file" >&2; exit 2; }
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "check_html: chromium is not installed (tools/setup.sh installs it)" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# --no-sandbox: containers often run as root, where the sandbox will not start.
dom=$("$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
      --user-data-dir="$profile" --dump-dom "file://$(realpath "$page")" 2>/dev/null)
plots=$(grep -o '<svg[^>]*id="[^"]*"' <<<"$dom" | sed 's/.*id="\([^"]*\)"/\1/' || true)
if [ -z "$plots" ]; then
  echo "check_html: $page: no plots in the rendered page" >&2
  exit 1
fi
echo "$plots"
