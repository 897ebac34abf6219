using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace WebhookConsole.Migrations.PostgreSQL.Migrations
{
    /// <inheritdoc />
    public partial class DeliveryBodyAsBytes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // EF's AlterColumn writes no USING, and PostgreSQL will not cast text to bytea by itself: each body becomes its UTF-8 bytes.
            migrationBuilder.Sql("""ALTER TABLE "Deliveries" ALTER COLUMN "Body" TYPE bytea USING convert_to("Body", 'UTF8');""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""ALTER TABLE "Deliveries" ALTER COLUMN "Body" TYPE text USING convert_from("Body", 'UTF8');""");
        }
    }
}
