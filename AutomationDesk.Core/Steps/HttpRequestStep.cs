using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Calls an HTTP endpoint. The output is the status, headers and body (parsed when it is JSON). Internal
/// addresses are refused unless allowed; see <see cref="NetworkGuard"/>. With a <c>connection</c>, a relative URL is
/// joined to the connection's base URL and the connection's credentials are added as each request to its origin is
/// sent (never to the config, so never to the recorded input); an absolute URL elsewhere is refused.
/// </summary>
[StepType("http.request", Label = "HTTP request", Category = StepCategory.Integrations, Summary = "Calls a web address and returns its status, headers and body.", HasSideEffects = true)]
public sealed class HttpRequestStep(
    IHttpClientFactory clients, IOptions<HttpStepOptions> options, HostCircuitBreakers breakers, TimeProvider time,
    ConnectionStore connections, ConnectionTypes connectionTypes, HttpConnectionClient connectionClient) : IStep<HttpRequestConfig>
{
    public const string ClientName = "steps";
    public const string IdempotencyHeader = OutgoingRequest.IdempotencyHeader;

    /// <summary>How many redirects one call follows.</summary>
    public const int MaxRedirects = 5;

    public async Task<StepResult> ExecuteAsync(HttpRequestConfig config, StepContext context, CancellationToken ct)
    {
        var limits = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(config.Timeout ?? limits.DefaultTimeout);
        var use = config.Connection is { } name ? await ConnectionAsync(name, ct) : null;
        // The key is the same on every attempt and every resume or replay of this step, so the receiver can drop a repeat.
        var hop = FirstHop(config, use, config.IdempotencyKey ? context.IdempotencyKey : null);
        // A connection's calls use their own pool, so a socket to a host its Admin allowed is not handed to other steps.
        var client = clients.CreateClient(use is null ? ClientName : ConnectionHttp.ClientName);
        var target = $"{hop.Method} {Shown(hop.Uri)}";
        context.Log(LogLevelName.Information, target);
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(client, hop, use, timeout.Token);
            for (var redirects = 0; NextHop(hop, response) is { } next; redirects++)
            {
                response.Dispose();
                if (redirects == MaxRedirects)
                {
                    throw new StepFailedException($"{target} was redirected more than {MaxRedirects} times; the desk stopped following.");
                }
                context.Log(LogLevelName.Information, $"Redirected ({(int)response.StatusCode}) to {Shown(next.Uri)}");
                hop = next;
                response = await SendAsync(client, hop, use, timeout.Token);
            }
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new StepFailedException($"{target} did not answer within {config.Timeout ?? limits.DefaultTimeout:c}.", null, e) { Transient = true };
        }
        catch (HttpRequestException e)
        {
            throw new StepFailedException($"Could not reach {Shown(hop.Uri)}: {e.Message}", null, e) { Transient = !NetworkGuard.IsRefusal(e) };
        }
        using (response)
        {
            var body = await ResponseBody.ReadAsync(response, limits.MaxResponseBytes, "The response", timeout.Token);
            var output = new JsonObject
            {
                ["status"] = (int)response.StatusCode,
                ["headers"] = Headers(response),
                ["body"] = body,
            };
            if (!response.IsSuccessStatusCode && !config.AllowErrorStatus)
            {
                var snippet = TemplatesText(body);
                var status = (int)response.StatusCode;
                throw new StepFailedException($"{target} answered {status} {response.ReasonPhrase}.", $"HTTP {status}: {snippet}")
                {
                    Transient = status is 408 or 429 or >= 500,
                    RetryAfter = RetryAfter(response),
                };
            }
            return StepResult.Done(output);
        }
    }

    /// <summary>Where <paramref name="response"/> redirects to, or null when it is the answer; a redirect not followed lets the response go.</summary>
    private static OutgoingRequest? NextHop(OutgoingRequest hop, HttpResponseMessage response)
    {
        try
        {
            return hop.Redirected(response);
        }
        catch (StepFailedException)
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The named connection, which must be one http.request can call.</summary>
    private async Task<ConnectionUse> ConnectionAsync(string name, CancellationToken ct)
    {
        var settings = await connections.ResolveAsync(name, ct)
            ?? throw new StepFailedException($"There is no connection named '{name}'; an Admin creates it on the Connections page, or choose another.");
        if (connectionTypes.Find(settings.Type) is not IHttpConnectionType type)
        {
            throw new StepFailedException($"The connection '{name}' is a {settings.Type} connection, which http.request cannot call; choose an HTTP one.");
        }
        var access = type.AccessOf(settings);
        if (access.BaseUrl is null || !Uri.TryCreate(access.BaseUrl, UriKind.Absolute, out _))
        {
            throw new StepFailedException($"The connection '{name}' has no base URL to call.");
        }
        return new ConnectionUse(settings, access);
    }

    /// <summary>
    /// One hop, through the circuit breaker of the host it goes to. A hop to the connection's origin carries its
    /// credentials and may reach its host when the connection allows its private network; an OAuth2 token the service
    /// refuses (401) is renewed once.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpClient client, OutgoingRequest hop, ConnectionUse? use, CancellationToken ct)
    {
        var connected = use is not null && hop.IsSameOrigin ? use : null;
        var response = await SendOnceAsync(client, hop, connected, renew: false, ct);
        if (connected is { Access.Auth.Renews: true } && response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
        {
            response.Dispose();
            response = await SendOnceAsync(client, hop, connected, renew: true, ct);
        }
        return response;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpClient client, OutgoingRequest hop, ConnectionUse? connected, bool renew, CancellationToken ct)
    {
        using var request = hop.ToMessage();
        if (connected is not null)
        {
            await connectionClient.AuthorizeAsync(request, connected.Settings, connected.Access, renew, ct);
            ConnectionHttp.Trust(request, connected.Settings);
        }
        try
        {
            return await breakers.For(hop.Uri.Authority).ExecuteAsync(
                async token => await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token), ct);
        }
        catch (BrokenCircuitException e)
        {
            throw new StepFailedException(
                $"Calls to {hop.Uri.Authority} are paused after repeated failures; the desk tries again {(e.RetryAfter is { } wait ? $"in {wait.TotalSeconds:N0} s" : "shortly")}.",
                null, e) { Transient = true, RetryAfter = e.RetryAfter };
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => Max(date - time.GetUtcNow(), TimeSpan.Zero),
        _ => null,
    };

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// The URL as logs and errors show it: escaped exactly as sent (so the run's secret masking recognises a secret
    /// in it; <see cref="Uri.ToString"/> would unescape part of it) and without a user name and password.
    /// </summary>
    private static string Shown(Uri uri) => uri.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

    private static OutgoingRequest FirstHop(HttpRequestConfig config, ConnectionUse? use, string? idempotencyKey)
    {
        var builder = new UriBuilder(use is null ? new Uri(config.Url) : ConnectionUrl(config.Url, use));
        if (config.Query is { Count: > 0 } query)
        {
            var extra = string.Join("&", query.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
            builder.Query = string.IsNullOrEmpty(builder.Query) ? extra : builder.Query.TrimStart('?') + "&" + extra;
        }
        OutgoingBody? body = config.Body switch
        {
            null => null,
            { } text when text.GetValueKind() == JsonValueKind.String =>
                new(text.GetValue<string>(), MediaType(config.ContentType ?? "text/plain")),
            { } json => new(json.ToJsonString(), MediaType(config.ContentType ?? "application/json")),
        };
        return new OutgoingRequest(new HttpMethod(config.Method.ToUpperInvariant()), builder.Uri, builder.Uri, body,
            (config.Headers ?? new Dictionary<string, string>()).ToList(), idempotencyKey);
    }

    /// <summary>A URL relative to the connection joined to its base URL; an absolute one must be on the connection's origin.</summary>
    private static Uri ConnectionUrl(string url, ConnectionUse use)
    {
        var baseUri = new Uri(use.Access.BaseUrl!);
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return ConnectionUrls.SameOrigin(absolute, baseUri) ? absolute : throw new StepFailedException(
                $"{ConnectionUrls.Origin(absolute)} is not the address of the connection '{use.Settings.Name}' ({ConnectionUrls.Origin(baseUri)}); " +
                "a connection's credentials go to its own address only. Give a path relative to it, or no connection.");
        }
        return ConnectionUrls.Join(use.Access.BaseUrl!, url);
    }

    /// <summary>The connection a step calls through, resolved for this attempt.</summary>
    private sealed record ConnectionUse(ConnectionSettings Settings, HttpAccess Access);

    /// <summary>The configured media type, with a UTF-8 charset unless it names one (the text is sent as UTF-8).</summary>
    private static MediaTypeHeaderValue MediaType(string contentType)
    {
        var mediaType = MediaTypeHeaderValue.Parse(contentType);
        mediaType.CharSet ??= "utf-8";
        return mediaType;
    }

    private static JsonObject Headers(HttpResponseMessage response)
    {
        var headers = new JsonObject();
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name.ToLowerInvariant()] = string.Join(", ", values);
        }
        return headers;
    }

    private static string TemplatesText(JsonNode? body)
    {
        var text = body is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : body?.ToJsonString() ?? "";
        return text.Length > 500 ? text[..500] + "…" : text;
    }
}

public sealed record HttpRequestConfig : IValidatableConfig
{
    public static readonly IReadOnlyList<string> Methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

    /// <summary>An absolute URL; with a <see cref="Connection"/>, a path relative to its base URL (or empty for the base URL itself).</summary>
    public string Url { get; init; } = "";
    public string Method { get; init; } = "GET";
    /// <summary>A connection whose base URL and credentials the call uses (see <see cref="Connections.IHttpConnectionType"/>).</summary>
    public string? Connection { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    public IReadOnlyDictionary<string, string>? Query { get; init; }
    /// <summary>A JSON value is sent as JSON; a string is sent as text.</summary>
    public JsonNode? Body { get; init; }
    public string? ContentType { get; init; }
    [DurationRange(10 * 60)]
    public TimeSpan? Timeout { get; init; }
    /// <summary>Return 4xx/5xx answers as output instead of failing the step.</summary>
    public bool AllowErrorStatus { get; init; }
    /// <summary>
    /// Send <c>Idempotency-Key: {executionId}:{stepId}</c>, the same on every attempt and, with the id of the run it came
    /// from, in a replay or resume; off with <c>false</c>.
    /// </summary>
    public bool IdempotencyKey { get; init; } = true;

    public IEnumerable<(string Field, string Message)> Validate()
    {
        if (OutgoingHeaders.UrlRefusal(Url) is { } refusal)
        {
            yield return ("url", refusal);
        }
        else if (Connection is null && Url.Length == 0)
        {
            yield return ("url", "Required.");
        }
        else if (Connection is null && (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return ("url", $"'{Url}' is not an absolute http or https URL.");
        }
        else if (Connection is not null && Uri.TryCreate(Url, UriKind.Absolute, out var absolute) && absolute.Scheme is not ("http" or "https")
            && !Url.StartsWith('/'))
        {
            yield return ("url", $"'{Url}' is neither a path relative to the connection nor an http or https URL.");
        }
        if (Connection is { } connection && !ConnectionStore.IsValidName(connection))
        {
            yield return ("connection", $"'{connection}' is not a connection name.");
        }
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>())
        {
            if (OutgoingHeaders.Refusal(name, value) is { } header)
            {
                yield return ("headers", header);
            }
        }
        if (ContentType is { } contentType
            && (OutgoingHeaders.Refusal("Content-Type", contentType) is not null || !MediaTypeHeaderValue.TryParse(contentType, out _)))
        {
            yield return ("contentType", "Not a media type such as application/json or text/csv; charset=utf-8.");
        }
        if (!Methods.Contains(Method.ToUpperInvariant()))
        {
            yield return ("method", $"Must be one of {string.Join(", ", Methods)}.");
        }
        if (Timeout is { } t && (t <= TimeSpan.Zero || t > TimeSpan.FromMinutes(10)))
        {
            yield return ("timeout", "Between zero and ten minutes.");
        }
    }
}

public static class HttpStepClient
{
    /// <summary>The named client steps use: every connection goes through <see cref="NetworkGuard"/>.</summary>
    public static IServiceCollection AddHttpStepClient(this IServiceCollection services)
    {
        AddGuardedClient(services, HttpRequestStep.ClientName, Options.DefaultName);
        AddGuardedClient(services, Connections.ConnectionHttp.ClientName, Options.DefaultName);
        // Any person may add a notification channel, so channels get none of the internal hosts an Admin allowed for
        // the workflows Editors write: their own section (Channels:AllowPrivateNetworks, Channels:AllowedHosts).
        services.AddOptions<HttpStepOptions>(ChannelsClientName).BindConfiguration("Channels").ValidateDataAnnotations().ValidateOnStart();
        AddGuardedClient(services, ChannelsClientName, ChannelsClientName);
        return services;
    }

    /// <summary>The client of notification channel deliveries.</summary>
    public const string ChannelsClientName = "channels";

    private static void AddGuardedClient(IServiceCollection services, string name, string optionsName)
    {
        services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<HttpStepOptions>>();
                return new SocketsHttpHandler
                {
                    ConnectCallback = NetworkGuard.ConnectCallback(() => options.Get(optionsName)),
                    // The step follows redirects itself, so that its own headers go to the configured origin only.
                    AllowAutoRedirect = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    UseCookies = false,
                };
            })
            .AddHttpMessageHandler(sp => new ProxiedTargetGuard(sp.GetRequiredService<IOptionsMonitor<HttpStepOptions>>(), optionsName, HttpClient.DefaultProxy))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
    }
}
