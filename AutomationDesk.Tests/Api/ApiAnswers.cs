using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Api;

/// <summary>Reads answers and checks the shapes API.md promises: problem details, pages, GUID v7 ids.</summary>
public static class ApiAnswers
{
    public static async Task<JsonObject> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>An RFC 9457 body with the status; when <paramref name="field"/> is given, <c>errors</c> names it.</summary>
    public static async Task<JsonObject> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected, string? field = null)
    {
        var problem = await response.JsonAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), "A problem has a title.");
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), "A problem has a detail.");
        if (field is not null)
        {
            var errors = problem["errors"]?.AsObject();
            Assert.True(errors?.ContainsKey(field) == true, $"errors should name '{field}': {problem.ToJsonString()}");
            Assert.NotEmpty(errors![field]!.AsArray());
        }
        return problem;
    }

    /// <summary>The page shape <c>{ items, page, pageSize, total }</c>; answers the items.</summary>
    public static async Task<JsonArray> PageAsync(this HttpResponseMessage response, int page = 1, int pageSize = 50)
    {
        var body = await response.JsonAsync(HttpStatusCode.OK);
        Assert.Equal(["items", "page", "pageSize", "total"], body.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(page, (int)body["page"]!);
        Assert.Equal(pageSize, (int)body["pageSize"]!);
        var items = body["items"]!.AsArray();
        Assert.True((int)body["total"]! >= items.Count);
        return items;
    }

    public static async Task<JsonArray> GetPageAsync(this HttpClient client, string path, int page = 1, int pageSize = 50)
    {
        using var response = await client.GetAsync(path);
        return await response.PageAsync(page, pageSize);
    }

    public static async Task<JsonObject> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return await response.JsonAsync(HttpStatusCode.OK);
    }

    public static async Task<JsonObject> PostJsonAsync(this HttpClient client, string path, object body, HttpStatusCode expected)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        return await response.JsonAsync(expected);
    }

    public static Task<HttpResponseMessage> PostTextAsync(this HttpClient client, string path, string json) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    public static Task<HttpResponseMessage> PutTextAsync(this HttpClient client, string path, string json) =>
        client.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>An id as the contract makes them: a GUID of version 7.</summary>
    public static Guid V7(JsonNode? id)
    {
        var parsed = Guid.Parse((string)id!);
        Assert.Equal(7, parsed.Version);
        return parsed;
    }
}
