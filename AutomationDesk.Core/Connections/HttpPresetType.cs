namespace AutomationDesk.Core.Connections;

/// <summary>
/// A connection type made from an <see cref="HttpPreset"/>: its fields, its base URL and credentials for
/// <c>http.request</c>, and a test that sends the preset's test call and says what the service answered. A preset file
/// is the data; a type whose protocol needs more (Slack's two kinds of credentials) overrides.
/// </summary>
public abstract class HttpPresetType(HttpConnectionClient client, HttpPreset preset) : ConnectionType, IHttpConnectionType
{
    public const string BaseUrlField = "baseUrl";

    private readonly IReadOnlyList<ConnectionField> _fields = preset.DefaultBaseUrl is { } url
        ?
        [
            new ConnectionField(BaseUrlField, "Base URL", ConnectionFieldKind.Url)
            {
                Required = true,
                Default = url.Length == 0 ? null : url,
                Placeholder = url.Length == 0 ? null : url,
                Help = "Where the service's API lives; change it for a self-hosted instance.",
            },
            .. preset.Fields,
        ]
        : preset.Fields;

    public override string Name => preset.Name;
    public override string Label => preset.Label;
    public override string Description => preset.Description;
    public override string? DocsUrl => preset.DocsUrl;
    public override string TestDescription => preset.TestDescription;
    public override IReadOnlyList<ConnectionField> Fields => _fields;

    public virtual HttpAccess AccessOf(ConnectionSettings settings)
    {
        var baseUrl = preset.BaseUrlSecret is { } secret
            ? settings.Secret(secret)
            : settings.BaseUrl(BaseUrlField) ?? (preset.DefaultBaseUrl is { Length: > 0 } url ? url : null);
        return new HttpAccess(baseUrl, preset.Auth(settings)) { Headers = preset.Headers };
    }

    public override IEnumerable<(string Field, string Message)> Validate(ConnectionSettings settings)
    {
        foreach (var problem in base.Validate(settings))
        {
            yield return problem;
        }
        if (preset.BaseUrlSecret is { } secret && settings.Secret(secret) is { } value
            && (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            yield return ($"secrets.{secret}", "Not an absolute http or https URL; paste the whole URL the service gave.");
        }
    }

    /// <summary>The call the test makes with these settings.</summary>
    protected virtual HttpTestCall TestCallOf(ConnectionSettings settings) => preset.Test;

    public override async Task<ConnectionTestResult> TestAsync(ConnectionSettings settings, CancellationToken ct)
    {
        var access = AccessOf(settings);
        if (access.BaseUrl is not { } baseUrl)
        {
            return ConnectionTestResult.Failed("The connection has no address to call.");
        }
        var call = TestCallOf(settings);
        using var response = await client.SendAsync(settings, access, () => call.ToMessage(baseUrl, settings), ct);
        var answer = await HttpAnswer.ReadAsync(response, ct);
        if (!call.SuccessStatuses.Contains(answer.Status))
        {
            return ConnectionTestResult.Failed($"{Label} answered {answer.Status} {answer.Reason}: {answer.Error()}");
        }
        if (call.Refusal?.Invoke(answer) is { } refusal)
        {
            return ConnectionTestResult.Failed($"{Label} answered {answer.Status} but refused: {refusal}");
        }
        return ConnectionTestResult.Passed(call.Describe?.Invoke(answer) ?? $"{Label} answered {answer.Status} {answer.Reason}.");
    }
}
