using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookConsole.Engine.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddRetriesAndIsolation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DisabledReason",
                table: "Subscriptions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FailureStreakSince",
                table: "Subscriptions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxConcurrency",
                table: "Subscriptions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RateLimitPerSecond",
                table: "Subscriptions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReplayId",
                table: "Deliveries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ScheduleStart",
                table: "Deliveries",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "ReplayRun",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Since = table.Column<long>(type: "INTEGER", nullable: false),
                    Until = table.Column<long>(type: "INTEGER", nullable: true),
                    States = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReplayRun", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_ReplayId",
                table: "Deliveries",
                column: "ReplayId");

            migrationBuilder.CreateIndex(
                name: "IX_ReplayRun_SubscriptionId_CreatedAt",
                table: "ReplayRun",
                columns: new[] { "SubscriptionId", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ReplayRun");

            migrationBuilder.DropIndex(
                name: "IX_Deliveries_ReplayId",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "DisabledReason",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "FailureStreakSince",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "MaxConcurrency",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "RateLimitPerSecond",
                table: "Subscriptions");

            migrationBuilder.DropColumn(
                name: "ReplayId",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "ScheduleStart",
                table: "Deliveries");
        }
    }
}
