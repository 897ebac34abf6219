using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookConsole.Engine.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddHourlyCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HourlyCounts",
                columns: table => new
                {
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    Succeeded = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HourlyCounts", x => new { x.SubscriptionId, x.Hour });
                });

            migrationBuilder.CreateIndex(
                name: "IX_HourlyCounts_Hour",
                table: "HourlyCounts",
                column: "Hour");

            // An upgraded store counts the attempts it already has, so its chart does not start empty (36,000,000,000 ticks = 1 hour).
            migrationBuilder.Sql("""
                INSERT INTO HourlyCounts (SubscriptionId, Hour, Attempts, Succeeded)
                SELECT SubscriptionId, At - At % 36000000000, COUNT(*), SUM(Succeeded)
                FROM DeliveryAttempts WHERE IsTest = 0
                GROUP BY SubscriptionId, At - At % 36000000000;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HourlyCounts");
        }
    }
}
