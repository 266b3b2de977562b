using System.Net;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

[Collection(DeskAppCollection.Name)]
public sealed class CollectionsCsvApiTests(DeskApp desk)
{
    private async Task<string> SeedAsync(params string[] records)
    {
        var collection = $"csv_{Guid.NewGuid():N}";
        await using var db = await desk.Services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync();
        var at = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < records.Length; i++)
        {
            db.Records.Add(new CollectionRecord { Id = Guid.CreateVersion7(), Collection = collection, DataJson = records[i], CreatedAt = at.AddMinutes(i) });
        }
        await db.SaveChangesAsync();
        return collection;
    }

    private async Task<string[]> CsvLinesAsync(string path)
    {
        using var response = await desk.Viewer.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        return text[..^2].Split("\r\n");
    }

    [Fact]
    public async Task Every_field_of_every_record_is_a_column_and_nested_values_are_compact_json()
    {
        var collection = await SeedAsync("""{ "customer": "ada", "amount": 10 }""", """{ "customer": "bob", "address": { "city": "Oslo" }, "tags": [1, 2] }""");

        var lines = await CsvLinesAsync($"/api/v1/collections/{collection}/records.csv");

        Assert.Equal("record.id,record.createdAt,record.executionId,customer,address,tags,amount", lines[0]);
        Assert.EndsWith(",bob,\"{\"\"city\"\":\"\"Oslo\"\"}\",\"[1,2]\",", lines[1], StringComparison.Ordinal); // newest first
        Assert.EndsWith(",ada,,,10", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commas_quotes_and_line_breaks_are_quoted_as_rfc_4180_asks()
    {
        var collection = await SeedAsync("""{ "note": "one, \"two\"\nthree" }""");

        using var response = await desk.Viewer.GetAsync(new Uri($"/api/v1/collections/{collection}/records.csv", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.EndsWith(",\"one, \"\"two\"\"\nthree\"\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe_and_numbers_stay_numbers()
    {
        var collection = await SeedAsync("""{ "a": "=HYPERLINK(\"http://x\")", "b": "+1", "c": "-2", "d": "@SUM(A1)", "e": -5, "f": "plain" }""");

        var lines = await CsvLinesAsync($"/api/v1/collections/{collection}/records.csv");

        Assert.EndsWith(",\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,'@SUM(A1),-5,plain", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_search_narrows_the_export_and_the_file_is_named_for_the_collection()
    {
        var collection = await SeedAsync("""{ "customer": "ada" }""", """{ "customer": "bob" }""");

        using var response = await desk.Viewer.GetAsync(new Uri($"/api/v1/collections/{collection}/records.csv?q=ada", UriKind.Relative));
        var lines = (await response.Content.ReadAsStringAsync()).TrimEnd().Split("\r\n");

        Assert.Equal($"{collection}.csv", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith(",ada", lines[1], StringComparison.Ordinal);
    }
}
