#!/usr/bin/env bash
# Makes README's screenshots again, from a console of their own seeded by the Overview browser test (3 webhooks: one healthy,
# one failing for good, one retrying), in Debian's chromium: docs/screenshots/overview.png, overview-dark.png, delivery-log.png, attempt-detail.png.
# Run it after a change to the Overview or the delivery log, and commit the pictures.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$PWD/docs/screenshots"
mkdir -p "$out"
dotnet build tests/E2E -v quiet -nologo
E2E_SCREENSHOTS="$out" dotnet test tests/E2E --no-build --filter "FullyQualifiedName~Browser.OverviewTests"
ls -l "$out"/overview.png "$out"/overview-dark.png "$out"/delivery-log.png "$out"/attempt-detail.png
