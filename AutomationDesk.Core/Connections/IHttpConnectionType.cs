namespace AutomationDesk.Core.Connections;

/// <summary>
/// A connection type <c>http.request</c> can call with <c>"connection"</c>: presets, the generic <c>http</c> type, and any
/// other type whose service is plain HTTP with a base URL and credentials (an OpenAI-compatible endpoint).
/// </summary>
public interface IHttpConnectionType
{
    /// <summary>The base URL, credentials and fixed headers of these settings.</summary>
    HttpAccess AccessOf(ConnectionSettings settings);
}
