using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookConsole.Engine.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryBodyAsBytes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Each TEXT body becomes its UTF-8 bytes in a new BLOB column that takes the old one's place. Not EF's table rebuild:
            // that turns foreign keys off outside any transaction, and warns of it every time a store is created or upgraded.
            migrationBuilder.Sql("""
                ALTER TABLE Deliveries ADD COLUMN BodyBytes BLOB NOT NULL DEFAULT X'';
                UPDATE Deliveries SET BodyBytes = CAST(Body AS BLOB);
                ALTER TABLE Deliveries DROP COLUMN Body;
                ALTER TABLE Deliveries RENAME COLUMN BodyBytes TO Body;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE Deliveries ADD COLUMN BodyText TEXT NOT NULL DEFAULT '';
                UPDATE Deliveries SET BodyText = CAST(Body AS TEXT);
                ALTER TABLE Deliveries DROP COLUMN Body;
                ALTER TABLE Deliveries RENAME COLUMN BodyText TO Body;
                """);
        }
    }
}
