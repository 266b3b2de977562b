using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The OpenAPI document and the reference page over it: every operation has a summary, the <c>X-Api-Key</c> scheme is
/// declared and asked for where a caller must sign in, and the page loads nothing from another host.
/// </summary>
[Collection(DeskAppCollection.Name)]
public sealed partial class ApiReferenceTests(DeskApp desk)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    [GeneratedRegex("""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex AssetReference();

    private async Task<JsonObject> DocumentAsync() => JsonNode.Parse(await desk.Anonymous().GetStringAsync("/openapi/v1.json"))!.AsObject();

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from method in Methods
        where path.Value![method] is JsonObject
        select (path.Key, method, path.Value![method]!.AsObject());

    [Fact]
    public async Task Every_operation_in_the_document_has_a_summary()
    {
        var operations = Operations(await DocumentAsync()).ToList();

        Assert.True(operations.Count > 50, $"The document lists only {operations.Count} operations.");
        var missing = operations.Where(o => string.IsNullOrWhiteSpace((string?)o.Operation["summary"])).Select(o => $"{o.Method.ToUpperInvariant()} {o.Path}").ToList();
        Assert.True(missing.Count == 0, "Operations without a summary: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task The_api_key_scheme_is_declared_and_asked_for_where_a_caller_must_sign_in()
    {
        var document = await DocumentAsync();

        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal(("apiKey", "header", "X-Api-Key"), ((string?)scheme["type"], (string?)scheme["in"], (string?)scheme["name"]));
        var operations = Operations(document).ToList();
        var workflows = operations.Single(o => o is { Path: "/api/v1/workflows/", Method: "get" } || o is { Path: "/api/v1/workflows", Method: "get" }).Operation;
        Assert.Equal("""[{"ApiKey":[]}]""", workflows["security"]!.ToJsonString());
        var receiver = operations.Single(o => o.Path.StartsWith("/api/webhooks/{workflowId}", StringComparison.Ordinal)).Operation;
        Assert.Null(receiver["security"]);
    }

    [Fact]
    public async Task The_reference_page_loads_only_assets_of_the_desk_and_hides_outside_links()
    {
        using var client = desk.CreateClient();
        using var response = await client.GetAsync("/api/reference");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        var origin = response.RequestMessage!.RequestUri!;

        var assets = AssetReference().Matches(page).Select(m => m.Groups.Values.Skip(1).First(g => g.Success).Value).ToList();
        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            var resolved = new Uri(origin, asset);
            Assert.True(resolved.Host == origin.Host && resolved.Port == origin.Port, $"The reference page loads {asset} from another host.");
            if (!asset.StartsWith("data:", StringComparison.Ordinal))
            {
                using var fetched = await client.GetAsync(resolved);
                Assert.True(fetched.IsSuccessStatusCode, $"{asset} answered {(int)fetched.StatusCode}.");
            }
        }
        Assert.Contains("\"withDefaultFonts\":false", page, StringComparison.Ordinal);
        Assert.Contains("\"hideClientButton\":true", page, StringComparison.Ordinal);
        Assert.Contains("a[href*=\\u0022scalar.com\\u0022]", page, StringComparison.Ordinal);
    }
}
