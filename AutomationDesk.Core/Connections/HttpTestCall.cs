using System.Net.Http.Headers;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// The request that proves an HTTP connection works: a read-only call where the service has one (<c>GET /user</c>).
/// <see cref="Path"/> is joined to the base URL (empty: the base URL itself, as for a webhook) and may name config
/// fields in braces (<c>/Accounts/{accountSid}.json</c>).
/// </summary>
public sealed record HttpTestCall(string Method, string Path)
{
    /// <summary>A JSON body to send (Linear's GraphQL query, Slack's empty message).</summary>
    public string? JsonBody { get; init; }

    /// <summary>The statuses that may mean success; others fail with the status and the service's message.</summary>
    public IReadOnlyList<int> SuccessStatuses { get; init; } = [200];

    /// <summary>What success means in a person's words, from the answer ("Signed in as octocat").</summary>
    public Func<HttpAnswer, string>? Describe { get; init; }

    /// <summary>Why an answer with a success status is still a failure (Slack's <c>{"ok": false}</c>), or null when it is none.</summary>
    public Func<HttpAnswer, string?>? Refusal { get; init; }

    /// <summary>The request, to the joined URL, with the config fields in the path filled in.</summary>
    public HttpRequestMessage ToMessage(string baseUrl, ConnectionSettings settings)
    {
        var path = Path;
        foreach (var field in settings.Config.Select(c => c.Key))
        {
            path = path.Replace($"{{{field}}}", Uri.EscapeDataString(settings.Text(field) ?? ""), StringComparison.Ordinal);
        }
        var message = new HttpRequestMessage(new HttpMethod(Method), ConnectionUrls.Join(baseUrl, path));
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (JsonBody is { } body)
        {
            message.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }
        return message;
    }
}
