#!/usr/bin/env bash
# Adds an EF Core migration for ConsoleDbContext to both stores: scripts/add-migration.sh NAME [more dotnet-ef options]
# One migrations assembly per provider (EF Core's layout for several providers): src/Console.Migrations.Sqlite and
# src/Console.Migrations.PostgreSQL; the engine names the right one when it configures its store, and applies it at start.
# Works from any directory. Needs only the .NET 10 SDK: dotnet-ef 10.0.15 is a local tool (.config/dotnet-tools.json),
# Microsoft.EntityFrameworkCore.Design 10 is referenced by the web app (PrivateAssets), and the engine's
# DesignTimeDbContextFactory builds the context for the provider named after `--` without starting the console or opening a database.
# Check afterwards, for each provider:
#   dotnet ef migrations has-pending-model-changes --project src/Console.Migrations.Sqlite --startup-project src/Console.Web -- --provider Sqlite
#   dotnet ef migrations has-pending-model-changes --project src/Console.Migrations.PostgreSQL --startup-project src/Console.Web -- --provider PostgreSQL
# Undo the last one: the same with `migrations remove`, for each provider (PostgreSQL's asks its database whether the migration
# was applied: set WEBHOOK_CONSOLE_DESIGN_DB to a database it can reach, or delete its two files and undo the snapshot's change).
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
# The SQLite migrations keep the namespace they had while they lived in the engine.
dotnet ef migrations add "$name" \
  --project src/Console.Migrations.Sqlite \
  --startup-project src/Console.Web \
  --output-dir Migrations \
  --namespace WebhookConsole.Engine.Persistence.Migrations \
  "$@" -- --provider Sqlite
dotnet ef migrations add "$name" \
  --project src/Console.Migrations.PostgreSQL \
  --startup-project src/Console.Web \
  --output-dir Migrations \
  "$@" -- --provider PostgreSQL
