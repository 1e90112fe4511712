#!/usr/bin/env bash
# Renders sample HTML audit reports in headless Chromium (Debian's `chromium` package) and checks them:
# every screenshot is not blank, and at 360, 500, 900 and 1280 px nothing is wider than the window.
#   Scripts/check-report-render.sh [OUT_DIR]    (default: a temporary directory, kept and printed)
# Uses SECAGG_TOOL when set, else the debug build (built when missing). Exits 1 when a check fails, 2 when
# chromium or python3 is missing. Also prints each report to PDF (print CSS) and checks a PDF came out. Headless Chromium's window is at least 500 px wide, so narrower widths are
# checked in an iframe and the narrow screenshot is 500 px.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || { echo "check-report-render: $CHROMIUM not found" >&2; exit 2; }
command -v python3 >/dev/null || { echo "check-report-render: python3 not found" >&2; exit 2; }
CHECK=Scripts/check-report-render.py

OUT=${1:-$(mktemp -d "${TMPDIR:-/tmp}/report-render.XXXXXX")}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
TOOL=${SECAGG_TOOL:-}
if [ -z "$TOOL" ]; then
    TOOL="$(swift build --show-bin-path)/secagg-tool"
    [ -x "$TOOL" ] || swift build --product secagg-tool
fi

# Sample logs: a valid 3-round run, and the same log truncated (a BROKEN report with a problems section).
rm -f "$OUT"/audit*.sqlite "$OUT"/*.html "$OUT"/*.png
"$TOOL" simulate --rounds 3 --seed 1 --audit-log "$OUT/audit.sqlite" --budget-epsilon 10 >/dev/null 2>"$OUT/simulate.log" \
    || { cat "$OUT/simulate.log" >&2; exit 1; }
cp "$OUT/audit.sqlite" "$OUT/audit-truncated.sqlite"
python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("DELETE FROM events WHERE kind = ?", ("run_closed",)); db.commit()' \
    "$OUT/audit-truncated.sqlite"
"$TOOL" audit report "$OUT/audit.sqlite" --format html --out "$OUT/report.html" >/dev/null
"$TOOL" audit report "$OUT/audit-truncated.sqlite" --format html --out "$OUT/report-broken.html" >/dev/null

browse() {
    # --no-sandbox: CI containers run as root. Output on stdout; Chromium's own logging is dropped.
    timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --allow-file-access-from-files --virtual-time-budget=20000 "$@" 2>/dev/null
}

status=0
for report in report report-broken; do
    python3 "$CHECK" wrapper "$report.html" "$OUT/$report-frames.html" 360 500 900 1280
    printf '%s overflow: ' "$report"
    # A frame that has not loaded when the virtual-time budget ends leaves the title pending: try once more.
    for attempt in 1 2; do
        browse --window-size=1400,1300 --dump-dom "file://$OUT/$report-frames.html" > "$OUT/$report-frames.dom" || true
        grep -q '<title>overflow-check pending' "$OUT/$report-frames.dom" || break
    done
    python3 "$CHECK" title "$OUT/$report-frames.dom" || status=1
    for size in 500,5200 1280,2600; do
        png="$OUT/$report-${size%,*}.png"
        browse --window-size=$size --screenshot="$png" "file://$OUT/$report.html" >/dev/null
        python3 "$CHECK" png "$png" || { echo "$png looks blank" >&2; status=1; }
    done
    # Print CSS: the page prints to a PDF (A4) a privacy officer can sign.
    browse --no-pdf-header-footer --print-to-pdf="$OUT/$report.pdf" "file://$OUT/$report.html" >/dev/null
    if [ "$(head -c 5 "$OUT/$report.pdf" 2>/dev/null)" = "%PDF-" ] && [ "$(wc -c < "$OUT/$report.pdf")" -gt 10000 ]; then
        echo "{\"file\": \"$OUT/$report.pdf\", \"bytes\": $(wc -c < "$OUT/$report.pdf")}"
    else
        echo "$OUT/$report.pdf was not printed" >&2; status=1
    fi
done
echo "check-report-render: screenshots and PDFs in $OUT"
exit $status
