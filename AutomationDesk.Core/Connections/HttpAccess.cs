namespace AutomationDesk.Core.Connections;

/// <summary>
/// How to call the service a connection points at: where relative paths are joined (<see cref="BaseUrl"/>, which may
/// itself be a secret such as a webhook URL), the credentials, and the fixed headers the service asks for
/// (<c>Notion-Version</c>). Credentials and headers go to the base URL's origin only.
/// </summary>
public sealed record HttpAccess(string? BaseUrl, HttpAuth Auth)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}
