using System.Net;
using AutomationDesk.Core.Connections;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Support;

/// <summary>
/// A connection type for tests only: a service at <c>url</c> that answers <c>GET /check</c> with 200 when the
/// request carries the connection's <c>token</c> as a bearer token (when <c>auth</c> is <c>token</c>), else 401.
/// Its test goes through <see cref="ConnectionHttp"/>, so the network guard and the connection's own-host trust apply.
/// </summary>
public sealed class LoopbackConnectionType(ConnectionHttp http) : ConnectionType
{
    public const string TypeName = "loopback";
    public const string GoodToken = "loopback-good-token-4711";

    public override string Name => TypeName;
    public override string Label => "Loopback service";
    public override string Description => "A service on this machine that checks a token (tests only).";
    public override string? DocsUrl => "https://example.test/loopback-docs";
    public override string TestDescription => "Calls GET /check with the token.";

    public override IReadOnlyList<ConnectionField> Fields { get; } =
    [
        new("url", "Base URL", ConnectionFieldKind.Url) { Required = true, Placeholder = "http://127.0.0.1:8080", Help = "Where the service listens." },
        new("auth", "Authentication", ConnectionFieldKind.Choice) { Choices = ["token", "none"], Default = "token" },
        new("retries", "Retries", ConnectionFieldKind.Number) { Default = "0" },
        new("verbose", "Verbose", ConnectionFieldKind.Flag),
        new("token", "Token", ConnectionFieldKind.Secret) { Required = true, ShownWhen = ("auth", ["token"]) },
    ];

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, settings.BaseUrl("url") + "/check");
        if (settings.Secret("token") is { } token)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await http.SendAsync(request, settings, ct);
        return response.StatusCode == HttpStatusCode.OK
            ? ConnectionTestResult.Passed("The service accepted the token.")
            : ConnectionTestResult.Failed($"The service answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }

    /// <summary>The service itself, on a loopback port.</summary>
    public static Task<LoopbackServer> StartServiceAsync() => LoopbackServer.StartAsync(app =>
        app.MapGet("/check", (HttpRequest request) => request.Headers.Authorization.ToString() == $"Bearer {GoodToken}"
            ? Results.Json(new { ok = true })
            : Results.StatusCode(StatusCodes.Status401Unauthorized)));
}
