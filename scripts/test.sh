#!/usr/bin/env bash
# Runs every test (unit, API over real HTTP, browser in Chromium) and ends with "Tests: N passed, N failed".
# Installs what it needs first: Debian's chromium for the browser tests; and, unless CONSOLE_TEST_POSTGRES names one, starts a
# PostgreSQL server for the PostgreSQL tests (scripts/postgres.sh, which installs Debian's postgresql if needed). Extra arguments
# go to `dotnet test`.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests…"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

# The E2E receivers verify with the official standardwebhooks package (pinned in its package-lock.json).
receivers=tests/E2E/Receivers
if [ ! -d "$receivers/node_modules" ]; then
    echo "Installing the E2E receivers' npm packages (npm ci in $receivers)…"
    (cd "$receivers" && npm ci --silent --no-audit --no-fund)
fi

# The PostgreSQL tests (several consoles on one database) create their own databases on this server, and fail without one.
if [ -z "${CONSOLE_TEST_POSTGRES:-}" ]; then
    CONSOLE_TEST_POSTGRES=$(bash scripts/postgres.sh | tail -n 1)
    export CONSOLE_TEST_POSTGRES
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
set +e
# Built once, then one test project after the other: the E2E drills time the console, and unit tests running beside them on
# the same cores would be part of what they measure.
status=0
dotnet build Console.sln -v quiet -nologo || status=$?
if [ "$status" -eq 0 ]; then
    for project in tests/Unit tests/E2E; do
        dotnet test "$project" --no-build --logger "trx" --results-directory "$results" "$@" || status=$?
    done
fi
set -e

# Add up the real results from every test project's TRX file.
passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
    [ -e "$trx" ] || continue
    files=$((files + 1))
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
    total=$(count total); executed=$(count executed)
    passed=$((passed + $(count passed)))
    failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
    skipped=$((skipped + total - executed))
done
if [ "$files" -eq 0 ]; then
    echo "No test results were written: the build or the test host failed (see above)."
    failed=$((failed + 1))
    status=1
fi
line="Tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] || status=1
exit "$status"
