using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AutomationDesk.Core.Persistence.Migrations
{
    /// <summary>The runs a webhook event's replays started, listed with the event beside the runs it started on receipt.</summary>
    public partial class Webhooks_ReplayRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReplayExecutionIds",
                table: "WebhookEvents",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReplayExecutionIds",
                table: "WebhookEvents");
        }
    }
}
