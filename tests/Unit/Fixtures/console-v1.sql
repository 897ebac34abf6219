-- Schema at migration InitialCreate, from `dotnet ef migrations script 0 InitialCreate` (rewrite with make-console-v1.py --refresh-sql).
CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "AdminUsers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AdminUsers" PRIMARY KEY,
    "Email" TEXT NOT NULL,
    "PasswordHash" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastSignInAt" INTEGER NULL
);

CREATE TABLE "ApiKeys" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiKeys" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Prefix" TEXT NOT NULL,
    "Hash" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastUsedAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL,
    "CreatedBy" TEXT NULL
);

CREATE UNIQUE INDEX "IX_AdminUsers_Email" ON "AdminUsers" ("Email");

CREATE UNIQUE INDEX "IX_ApiKeys_Hash" ON "ApiKeys" ("Hash");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261122023340_InitialCreate', '9.0.22');

COMMIT;

