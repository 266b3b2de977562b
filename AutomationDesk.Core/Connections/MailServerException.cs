namespace AutomationDesk.Core.Connections;

/// <summary>
/// A mail server could not be reached or refused what was asked, told in a person's words (<see cref="Exception.Message"/>)
/// that name the server; <see cref="Transient"/> says whether trying again later may succeed.
/// </summary>
public sealed class MailServerException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>An SMTP 4xx answer, a dropped or refused connection, a timeout: worth another attempt.</summary>
    public bool Transient { get; init; }

    /// <summary>The SMTP status code of the answer that refused, when there was one.</summary>
    public int? StatusCode { get; init; }
}
