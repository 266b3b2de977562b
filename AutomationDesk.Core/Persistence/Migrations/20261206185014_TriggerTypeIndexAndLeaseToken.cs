using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <summary>
    /// An index for the event-trigger lookup every finished run makes. (The other change of this migration is in the
    /// model only: the execution's lease owner became its concurrency token.)
    /// </summary>
    public partial class TriggerTypeIndexAndLeaseToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Workflows_TriggerType",
                table: "Workflows",
                column: "TriggerType");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Workflows_TriggerType",
                table: "Workflows");
        }
    }
}
