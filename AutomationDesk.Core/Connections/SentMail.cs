namespace AutomationDesk.Core.Connections;

/// <summary>
/// A message the SMTP server accepted: its Message-ID (without angle brackets), every envelope recipient (bcc
/// included), and the server's last answer (often a queue id).
/// </summary>
public sealed record SentMail(string MessageId, IReadOnlyList<string> Accepted, string ServerAnswer);
