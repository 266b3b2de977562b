using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Support;

/// <summary>One request a webhook of the fake n8n received.</summary>
public sealed record N8nRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// An n8n on loopback as the desk sees it: production webhooks at <c>/webhook/{path}</c> whose workflow checks
/// <c>X-Signature-256: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c> (401 when it does not hold) and answers JSON, like a
/// Webhook node with a Respond to Webhook node; <c>GET /healthz</c>; and the public API's <c>GET /api/v1/workflows</c>
/// behind <c>X-N8N-API-KEY</c> (docs.n8n.io/api/authentication).
/// </summary>
public sealed class FakeN8nServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private LoopbackServer _server = null!;

    private FakeN8nServer()
    {
    }

    public string BaseUrl => _server.BaseAddress.ToString().TrimEnd('/');

    /// <summary>The signing secret the n8n workflow checks; null checks nothing.</summary>
    public string? SigningSecret { get; set; }

    public string ApiKey { get; set; } = "n8n-api-key";

    /// <summary>The first N calls of each webhook answer 500 with <c>Retry-After: 1</c>, as an n8n whose workflow failed.</summary>
    public int FailFirst { get; set; }

    /// <summary>What a webhook answers; by default what it received, and where.</summary>
    public Func<N8nRequest, JsonNode> Answer { get; set; } = request => new JsonObject
    {
        ["received"] = request.Headers.GetValueOrDefault("Content-Type")?.StartsWith("application/json", StringComparison.Ordinal) == true
            ? JsonNode.Parse(request.Text)
            : request.Text,
        ["path"] = request.Path,
    };

    public ConcurrentQueue<N8nRequest> Requests { get; } = new();

    public static async Task<FakeN8nServer> StartAsync()
    {
        var fake = new FakeN8nServer();
        fake._server = await LoopbackServer.StartAsync(fake.Map);
        return fake;
    }

    private void Map(WebApplication app)
    {
        app.Map("/webhook/{**path}", async (HttpContext http, string path) =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer);
            var request = new N8nRequest(http.Request.Method, path,
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), buffer.ToArray());
            Requests.Enqueue(request);
            if (SigningSecret is { } secret)
            {
                var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), request.Body));
                if (!string.Equals(request.Headers.GetValueOrDefault("X-Signature-256"), expected, StringComparison.Ordinal))
                {
                    return Results.Json(new { message = "Signature does not match" }, statusCode: 401);
                }
            }
            if (_calls.AddOrUpdate(path, 1, (_, n) => n + 1) <= FailFirst)
            {
                http.Response.Headers.RetryAfter = "1";
                return Results.Json(new { message = "Error in workflow" }, statusCode: 500);
            }
            return Results.Json(Answer(request));
        });
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        app.MapGet("/api/v1/workflows", (HttpContext http) =>
            http.Request.Headers["X-N8N-API-KEY"].ToString() == ApiKey
                ? Results.Json(new JsonObject
                {
                    ["data"] = new JsonArray(new JsonObject { ["id"] = "2tUt1wbLX592XDdX", ["name"] = "Order intake", ["active"] = true }),
                    ["nextCursor"] = null,
                })
                : Results.Json(new { message = "unauthorized" }, statusCode: 401));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
