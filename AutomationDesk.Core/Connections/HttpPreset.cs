namespace AutomationDesk.Core.Connections;

/// <summary>
/// A service that is plain HTTP, described as data: where it lives, how its credentials go on a request, the headers it
/// wants, and the read-only call that proves the settings work. <see cref="HttpPresetType"/> does the rest.
/// </summary>
public sealed record HttpPreset
{
    public required string Name { get; init; }
    public required string Label { get; init; }
    public string Description { get; init; } = "";
    public required string DocsUrl { get; init; }
    public required string TestDescription { get; init; }

    /// <summary>
    /// The service's address: the type gets a <c>baseUrl</c> field with this default, so a self-hosted instance or a test
    /// can point elsewhere. Empty makes the field required (Jira has no one address).
    /// </summary>
    public string? DefaultBaseUrl { get; init; }

    /// <summary>The secret field whose value is the address itself (a webhook URL), for types without <see cref="DefaultBaseUrl"/>.</summary>
    public string? BaseUrlSecret { get; init; }

    /// <summary>The type's own fields (credentials, user names), after <c>baseUrl</c>.</summary>
    public IReadOnlyList<ConnectionField> Fields { get; init; } = [];

    /// <summary>The credentials of a connection's settings.</summary>
    public Func<ConnectionSettings, HttpAuth> Auth { get; init; } = _ => HttpAuth.None;

    /// <summary>Fixed headers every request to the service carries (<c>Notion-Version</c>, a versioned <c>Accept</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public required HttpTestCall Test { get; init; }
}
