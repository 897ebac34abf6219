#!/usr/bin/env bash
# Adds an EF Core migration for ConsoleDbContext: scripts/add-migration.sh NAME [more dotnet-ef options]
# Works from any directory. Needs only the .NET 10 SDK: dotnet-ef 10.0.15 is a local tool (.config/dotnet-tools.json),
# Microsoft.EntityFrameworkCore.Design 10 is referenced by the engine and the web app (PrivateAssets), and the engine's
# DesignTimeDbContextFactory builds the context without starting the console.
# Check afterwards:  dotnet ef migrations has-pending-model-changes --project src/Console.Engine --startup-project src/Console.Web
# Undo the last one: dotnet ef migrations remove --project src/Console.Engine --startup-project src/Console.Web
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
dotnet ef migrations add "$name" \
  --project src/Console.Engine \
  --startup-project src/Console.Web \
  --output-dir Persistence/Migrations \
  "$@"
