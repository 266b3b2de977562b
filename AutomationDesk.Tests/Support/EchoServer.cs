using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Support;

/// <summary>Endpoints that tell what they received, for <c>http.request</c> tests.</summary>
public static class EchoServer
{
    /// <summary>What one request to <c>/echo</c> carried.</summary>
    public sealed record Received(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string? ContentType, string Body);

    /// <summary>Maps <c>/echo/{**rest}</c>: answers with JSON describing the request and adds it to <paramref name="received"/>.</summary>
    public static void MapEcho(this WebApplication app, ConcurrentQueue<Received>? received = null) =>
        app.Map("/echo/{**rest}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var seen = new Received(
                http.Request.Method,
                http.Request.Path.Value ?? "",
                http.Request.QueryString.Value ?? "",
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                http.Request.ContentType,
                await reader.ReadToEndAsync(http.RequestAborted));
            received?.Enqueue(seen);
            return Results.Json(seen);
        });
}
