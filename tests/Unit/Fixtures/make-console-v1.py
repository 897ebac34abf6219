#!/usr/bin/env python3
"""Builds console-v1.db: a store at schema version InitialCreate (before AddAuditLog) holding one admin and one
API key, so tests can check that an old database is migrated forward with its data intact.

    python3 tests/Unit/Fixtures/make-console-v1.py                # from the committed console-v1.sql
    python3 tests/Unit/Fixtures/make-console-v1.py --refresh-sql  # first rewrite console-v1.sql with dotnet-ef

console-v1.sql is the output of `dotnet ef migrations script 0 InitialCreate` (BOM removed, one header line
added), so the fixture can be rebuilt with python3 alone. The output is byte-for-byte reproducible for a given
SQLite library version: the password salt is fixed and nothing depends on the clock.

Values (tests rely on them):
  AdminUsers: Id 6F1C2D3E-0000-4000-8000-000000000001, Email fixture-admin@example.com,
              password "fixture-password-1" (ASP.NET Core Identity V3 hash: PBKDF2-HMAC-SHA512, 100000 iterations),
              CreatedAt 2026-01-15T10:30:00Z (stored as UTC ticks), LastSignInAt NULL
  ApiKeys:    Id 6F1C2D3E-0000-4000-8000-000000000002, Name "fixture key", Prefix wc_fixture,
              key wc_fixture_key_0123456789abcdef (stored as lower-case hex SHA-256),
              CreatedAt 2026-01-15T10:31:00Z, LastUsedAt NULL, RevokedAt NULL, CreatedBy fixture-admin@example.com
"""

import base64
import datetime as dt
import hashlib
import os
import sqlite3
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SQL_PATH = os.path.join(HERE, "console-v1.sql")
DB_PATH = os.path.join(HERE, "console-v1.db")
SQL_HEADER = (
    "-- Schema at migration InitialCreate, from `dotnet ef migrations script 0 InitialCreate` "
    "(rewrite with make-console-v1.py --refresh-sql).\n"
)

ADMIN_ID = "6f1c2d3e-0000-4000-8000-000000000001"
ADMIN_EMAIL = "fixture-admin@example.com"
ADMIN_PASSWORD = "fixture-password-1"
KEY_ID = "6f1c2d3e-0000-4000-8000-000000000002"
KEY_PLAINTEXT = "wc_fixture_key_0123456789abcdef"
KEY_PREFIX = "wc_fixture"
# Fixed so the file is reproducible; a real hash would use 16 random bytes.
PASSWORD_SALT = bytes(range(0x10, 0x20))


def refresh_sql() -> None:
    """Regenerates console-v1.sql with the repo's local dotnet-ef tool."""
    subprocess.run(["dotnet", "tool", "restore"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(
        [
            "dotnet", "ef", "migrations", "script", "0", "InitialCreate",
            "--project", "src/Console.Engine",
            "--startup-project", "tools/Console.DesignTime",
            "--output", SQL_PATH,
        ],
        cwd=ROOT,
        check=True,
    )
    with open(SQL_PATH, encoding="utf-8-sig") as f:
        sql = f.read()
    with open(SQL_PATH, "w", encoding="utf-8", newline="\n") as f:
        f.write(SQL_HEADER + sql.replace("\r\n", "\n"))


def utc_ticks(value: dt.datetime) -> int:
    """DateTimeOffset.UtcTicks: 100 ns intervals since 0001-01-01T00:00:00Z (what UtcTicksConverter stores)."""
    delta = value.astimezone(dt.timezone.utc).replace(tzinfo=None) - dt.datetime(1, 1, 1)
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def identity_v3_hash(password: str, salt: bytes, iterations: int = 100_000) -> str:
    """ASP.NET Core Identity PasswordHasher V3 format (the .NET 7+ default: HMACSHA512, 100000 iterations)."""
    prf_hmacsha512 = 2
    subkey = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations, dklen=32)
    blob = b"\x01" + struct.pack(">III", prf_hmacsha512, iterations, len(salt)) + salt + subkey
    return base64.b64encode(blob).decode("ascii")


def ef_guid(value: str) -> str:
    """EF Core SQLite stores a Guid as upper-case TEXT."""
    return value.upper()


def build() -> None:
    with open(SQL_PATH, encoding="utf-8-sig") as f:
        schema_sql = f.read()

    tmp_path = DB_PATH + ".tmp"
    for path in (tmp_path, tmp_path + "-journal"):
        if os.path.exists(path):
            os.remove(path)

    con = sqlite3.connect(tmp_path)
    try:
        # No WAL: the fixture must be one self-contained file.
        con.execute("PRAGMA journal_mode=DELETE")
        con.executescript(schema_sql)
        with con:
            con.execute(
                'INSERT INTO "AdminUsers" ("Id", "Email", "PasswordHash", "CreatedAt", "LastSignInAt") '
                "VALUES (?, ?, ?, ?, NULL)",
                (
                    ef_guid(ADMIN_ID),
                    ADMIN_EMAIL,
                    identity_v3_hash(ADMIN_PASSWORD, PASSWORD_SALT),
                    utc_ticks(dt.datetime(2026, 1, 15, 10, 30, 0, tzinfo=dt.timezone.utc)),
                ),
            )
            con.execute(
                'INSERT INTO "ApiKeys" ("Id", "Name", "Prefix", "Hash", "CreatedAt", "LastUsedAt", "RevokedAt", '
                '"CreatedBy") VALUES (?, ?, ?, ?, ?, NULL, NULL, ?)',
                (
                    ef_guid(KEY_ID),
                    "fixture key",
                    KEY_PREFIX,
                    hashlib.sha256(KEY_PLAINTEXT.encode("utf-8")).hexdigest(),
                    utc_ticks(dt.datetime(2026, 1, 15, 10, 31, 0, tzinfo=dt.timezone.utc)),
                    ADMIN_EMAIL,
                ),
            )
        con.execute("VACUUM")
        mode = con.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "delete", mode
        history = con.execute('SELECT "MigrationId", "ProductVersion" FROM "__EFMigrationsHistory"').fetchall()
        assert len(history) == 1 and history[0][0].endswith("_InitialCreate"), history
    finally:
        con.close()
    os.replace(tmp_path, DB_PATH)
    print(f"wrote {os.path.relpath(DB_PATH, ROOT)} (migrations: {history})")


def main(argv: list[str]) -> int:
    args = argv[1:]
    if args not in ([], ["--refresh-sql"]):
        print(__doc__, file=sys.stderr)
        return 2
    if args == ["--refresh-sql"]:
        refresh_sql()
    build()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
