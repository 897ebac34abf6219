#!/usr/bin/env bash
# Adds an EF Core migration for ConsoleDbContext: scripts/add-migration.sh NAME [more dotnet-ef options]
# Works from any directory. Needs only the .NET SDK: dotnet-ef 9.0.22 comes from .config/dotnet-tools.json and
# runs on the installed .NET 10 runtime (rollForward in the manifest); the design-time host
# tools/Console.DesignTime (not in Console.sln) rolls forward the same way (RollForward=Major).
# Check afterwards:  dotnet ef migrations has-pending-model-changes --project src/Console.Engine --startup-project tools/Console.DesignTime
# Undo the last one: dotnet ef migrations remove --project src/Console.Engine --startup-project tools/Console.DesignTime
set -euo pipefail

if [ $# -lt 1 ] || [ -z "$1" ] || [[ "$1" == -* ]]; then
  echo "usage: $0 MigrationName [more dotnet-ef options]" >&2
  exit 2
fi
name="$1"
shift

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

dotnet tool restore >/dev/null
# No --namespace: with it, dotnet-ef 9 writes a first snapshot under WebhookConsole/Engine/...; the namespace
# follows from the root namespace and the output dir anyway (WebhookConsole.Engine.Persistence.Migrations).
dotnet ef migrations add "$name" \
  --project src/Console.Engine \
  --startup-project tools/Console.DesignTime \
  --output-dir Persistence/Migrations \
  "$@"
