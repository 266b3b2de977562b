using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class BusinessKeysAndDraftRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DraftDefinitionJson",
                table: "Executions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ExecutionKeys",
                columns: table => new
                {
                    ExecutionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Value = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExecutionKeys", x => new { x.ExecutionId, x.Name });
                    table.ForeignKey(
                        name: "FK_ExecutionKeys_Executions_ExecutionId",
                        column: x => x.ExecutionId,
                        principalTable: "Executions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExecutionKeys_Name_Value_ExecutionId",
                table: "ExecutionKeys",
                columns: new[] { "Name", "Value", "ExecutionId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExecutionKeys");

            migrationBuilder.DropColumn(
                name: "DraftDefinitionJson",
                table: "Executions");
        }
    }
}
