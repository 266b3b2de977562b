namespace AutomationDesk.Core.Connections;

/// <summary>How a URL relative to a connection is made absolute, and whether an absolute one belongs to the connection.</summary>
public static class ConnectionUrls
{
    /// <summary>
    /// <paramref name="relative"/> joined to <paramref name="baseUrl"/>: empty is the base URL itself, <c>?…</c> adds a
    /// query to it, anything else is a path below it (<c>/user</c> and <c>user</c> alike, so a base URL with a path such as
    /// <c>https://gitlab.example/api/v4</c> keeps it).
    /// </summary>
    public static Uri Join(string baseUrl, string relative)
    {
        var trimmed = baseUrl.TrimEnd('/');
        var url = relative.Length == 0 ? baseUrl
            : relative.StartsWith('?') ? trimmed + relative
            : $"{trimmed}/{relative.TrimStart('/')}";
        return new Uri(url, UriKind.Absolute);
    }

    /// <summary>Whether the two URLs have the same scheme, host and port: credentials go to their connection's origin only.</summary>
    public static bool SameOrigin(Uri a, Uri b) =>
        Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The origin of a URL as a person reads it (<c>https://api.github.com</c>).</summary>
    public static string Origin(Uri uri) => uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped);
}
