using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary>
/// A loopback stand-in for an HTTP service a connection calls: it records every request and answers as the test set it
/// (a status and a small body, like the real service's answer), so a test can check the credentials a call carried.
/// </summary>
public static class ServiceDouble
{
    /// <summary>One request as the service received it; header names in lower case.</summary>
    public sealed record Seen(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

    /// <summary>What the service answers: a status and a body (JSON unless <see cref="ContentType"/> says otherwise).</summary>
    public sealed record Answer(int Status, string Body, string ContentType = "application/json");

    /// <summary>Maps <c>/{**path}</c>: records the request in <paramref name="seen"/> and answers what <paramref name="answer"/> gives.</summary>
    public static void MapServiceDouble(this WebApplication app, ConcurrentQueue<Seen> seen, Func<Seen, Answer> answer) =>
        app.Map("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var request = new Seen(
                http.Request.Method,
                http.Request.Path.Value + http.Request.QueryString.Value,
                http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                await reader.ReadToEndAsync(http.RequestAborted));
            seen.Enqueue(request);
            var reply = answer(request);
            return Results.Text(reply.Body, reply.ContentType, statusCode: reply.Status);
        });
}
