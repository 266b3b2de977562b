using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DeadLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "DeadLetterClosedAt",
                table: "Executions",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DeadLetterOutcome",
                table: "Executions",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Executions_Status_DeadLetterOutcome_FinishedAt",
                table: "Executions",
                columns: new[] { "Status", "DeadLetterOutcome", "FinishedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Executions_Status_DeadLetterOutcome_FinishedAt",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "DeadLetterClosedAt",
                table: "Executions");

            migrationBuilder.DropColumn(
                name: "DeadLetterOutcome",
                table: "Executions");
        }
    }
}
