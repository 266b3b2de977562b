using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Records;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Components.Pages.Collections;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AutomationDesk.Tests.Components.Admin;

public sealed class CollectionPagesTests : RolePageTest
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private async Task StoreAsync(string collection, int count, Func<int, string>? json = null)
    {
        await using var db = NewDb();
        for (var i = 0; i < count; i++)
        {
            db.Records.Add(new CollectionRecord
            {
                Id = Guid.NewGuid(),
                Collection = collection,
                DataJson = json?.Invoke(i) ?? $"{{\"n\":{i}}}",
                CreatedAt = Start.AddMinutes(i),
            });
        }
        await db.SaveChangesAsync();
    }

    [Fact]
    public void With_no_records_the_collections_page_says_how_collections_are_made()
    {
        var page = Render<CollectionList>();

        page.WaitForAssertion(() => Assert.Contains("record.create", page.Find("[data-testid=empty-state]").TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Collections_are_listed_with_their_record_count_and_searched_by_name()
    {
        await StoreAsync("payments", 3);
        await StoreAsync("customers", 2);
        var page = Render<CollectionList>();
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "collection-row").Count), Patience);
        Assert.Equal(["2", "3"], page.FindAll("[data-testid=record-count]").Select(c => c.TextContent));

        InputOf(page, "search").Change("pay");

        page.WaitForAssertion(() => Assert.Contains("payments", Assert.Single(Rows(page, "collection-row")).TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task Many_collections_page()
    {
        for (var i = 0; i < CollectionList.PageSize + 1; i++)
        {
            await StoreAsync($"c{i:00}", 1);
        }
        var page = Render<CollectionList>();
        page.WaitForAssertion(() => Assert.Equal(CollectionList.PageSize, Rows(page, "collection-row").Count), Patience);

        await page.InvokeAsync(() => page.FindComponent<MudPagination>().Instance.SelectedChanged.InvokeAsync(2));

        page.WaitForAssertion(() => Assert.Contains("c25", Assert.Single(Rows(page, "collection-row")).TextContent, StringComparison.Ordinal), Patience);
    }

    [Fact]
    public async Task A_collections_records_are_searched_paged_and_shown_as_json_with_a_copy_button()
    {
        await StoreAsync("orders", CollectionRecords.PageSize + 2, i => i == 7 ? "{\"customer\":\"ada@example.com\",\"total\":42}" : $"{{\"customer\":\"c{i}@example.com\"}}");
        await StoreAsync("other", 1, _ => "{\"customer\":\"ada@example.com\"}");
        var page = Render<CollectionRecords>(p => p.Add(c => c.Name, "orders"));
        page.WaitForAssertion(() => Assert.Equal(CollectionRecords.PageSize, Rows(page, "record-row").Count), Patience);
        Assert.Equal("1–25 of 27", page.Find("[data-testid=page-summary]").TextContent);

        InputOf(page, "search").Change("ada@");
        page.WaitForAssertion(() => Assert.Single(Rows(page, "record-row")), Patience);
        await page.Find("[data-testid=toggle-json]").ClickAsync(new());

        var json = page.Find("[data-testid=record-json]").TextContent.ReplaceLineEndings("\n");
        Assert.Equal("{\n  \"customer\": \"ada@example.com\",\n  \"total\": 42\n}", json);
        Assert.NotNull(page.Find("[data-testid=copy-button]"));
    }

    [Fact]
    public async Task Records_show_as_a_table_with_a_column_per_field_and_nested_values_as_compact_json()
    {
        await StoreAsync("people", 2, i => i == 0 ? "{\"name\":\"Ada\",\"age\":36}" : "{\"name\":\"Bob\",\"address\":{\"city\":\"Oslo\"}}");

        var page = Render<CollectionRecords>(p => p.Add(c => c.Name, "people"));

        page.WaitForAssertion(() => Assert.Equal(2, Rows(page, "record-row").Count), Patience);
        Assert.Equal(["name", "address", "age"], page.FindAll("[data-testid=record-column]").Select(c => c.TextContent));
        var bob = Rows(page, "record-row")[0].QuerySelectorAll("[data-testid=record-cell]").Select(c => c.TextContent).ToList();
        Assert.Equal(["Bob", "{\"city\":\"Oslo\"}", ""], bob);
        var ada = Rows(page, "record-row")[1].QuerySelectorAll("[data-testid=record-cell]").Select(c => c.TextContent).ToList();
        Assert.Equal(["Ada", "", "36"], ada);
    }

    [Fact]
    public async Task The_csv_download_exports_what_the_search_shows()
    {
        await StoreAsync("my orders", 1);
        var page = Render<CollectionRecords>(p => p.Add(c => c.Name, "my orders"));
        page.WaitForAssertion(() => Assert.Single(Rows(page, "record-row")), Patience);
        Assert.Equal("api/v1/collections/my%20orders/records.csv", page.Find("[data-testid=csv-download]").GetAttribute("href"));

        InputOf(page, "search").Change("a&b");

        page.WaitForAssertion(() => Assert.Equal("api/v1/collections/my%20orders/records.csv?q=a%26b", page.Find("[data-testid=csv-download]").GetAttribute("href")), Patience);
    }

    [Fact]
    public async Task A_run_that_stores_a_record_shows_its_collection_without_a_reload()
    {
        var workflow = await Services.GetRequiredService<WorkflowStore>().CreateAsync("""
            {
              "schemaVersion": 1,
              "name": "Save a lead",
              "trigger": { "type": "manual" },
              "steps": [ { "id": "save", "type": "record.create", "config": { "collection": "leads", "data": { "email": "ada@example.com" } } } ]
            }
            """, Actor.System, CancellationToken.None);
        var page = Render<CollectionList>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty-state]")), Patience);

        await Services.GetRequiredService<ExecutionLauncher>().StartAsync(
            workflow["id"]!.GetValue<Guid>(), new RunRequest("manual", new JsonObject()), Actor.System, CancellationToken.None);
        await RunQueuedAsync();

        page.WaitForAssertion(() => Assert.Contains("leads", Assert.Single(Rows(page, "collection-row")).TextContent, StringComparison.Ordinal), Patience);
    }
}
