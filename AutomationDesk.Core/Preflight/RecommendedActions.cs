using System.Text.RegularExpressions;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Preflight;

/// <summary>What a person should do about a failed step, in plain words.</summary>
public sealed record RecommendedAction(string StepId, string Action);

/// <summary>
/// Reads a failed step's error (the words the steps themselves write: "answered 401", "Could not reach", "Timed out
/// after") and says what to do. An error it does not recognise gets no action rather than a vague one.
/// </summary>
public static partial class RecommendedActions
{
    [GeneratedRegex(@"\banswered (\d{3})\b|\((\d{3})\)|\bHTTP (\d{3})\b")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"Unknown template path '([^']+)'")]
    private static partial Regex UnknownPathPattern();

    [GeneratedRegex(@"no connection named '([^']+)'", RegexOptions.IgnoreCase)]
    private static partial Regex MissingConnectionPattern();

    /// <summary>One action per failed step of a failed run; none for a run that did not fail.</summary>
    public static IReadOnlyList<RecommendedAction> For(ExecutionDetail run) =>
        run.Status is not (ExecutionStatus.Failed or ExecutionStatus.TimedOut)
            ? []
            : run.Steps.Where(s => s.Status == StepStatus.Failed && s.ErrorHuman is not null)
                .Select(s => ForError(s.ErrorHuman!, s.Input?[ConnectionNames.Field].TextOrNull()) is { } action
                    ? new RecommendedAction(s.StepId, action) : null)
                .OfType<RecommendedAction>()
                .ToList();

    /// <summary>The action for one error, or null when the error says nothing a person can act on.</summary>
    public static string? ForError(string error, string? connection)
    {
        if (UnknownPathPattern().Match(error) is { Success: true } unknown)
        {
            var path = unknown.Groups[1].Value;
            return path.StartsWith("secrets.", StringComparison.Ordinal)
                ? $"Create the secret `{path["secrets.".Length..].Split('.', '[')[0]}` in Admin › Secrets."
                : $"Check the template path `{path}`: it was not there when the step ran. Compare it with the trigger input and the outputs of the steps before it, or give a fallback (`${{{path} ?? ''}}`).";
        }
        if (MissingConnectionPattern().Match(error) is { Success: true } missing)
        {
            return $"Create the connection `{missing.Groups[1].Value}` in Admin › Connections, or choose another on the step.";
        }
        if (error.Contains("does not match the schema", StringComparison.Ordinal) || error.Contains("answer is not JSON", StringComparison.Ordinal))
        {
            return "The AI's answer did not fit the step's schema: adjust the prompt (say exactly which fields to answer) or loosen the schema.";
        }
        if (error.StartsWith("Timed out after", StringComparison.Ordinal) || error.Contains("did not answer within", StringComparison.Ordinal))
        {
            return "Raise the step's timeout (its Timeout field), or find out why the service is slow.";
        }
        if (error.Contains("loopback, private", StringComparison.Ordinal))
        {
            return "The desk refuses internal addresses: check the URL, or let an Admin allow the host in the desk's configuration (`Http:AllowedHosts`, as host or host:port).";
        }
        var status = StatusOf(error);
        if (status is 401 or 403 || LooksLikeCredentials(error))
        {
            return connection is null
                ? "The service refused the credentials: check the secret or Authorization header the step sends."
                : $"The service refused the credentials: check the connection `{connection}` in Admin › Connections (its password, token or API key).";
        }
        if (LooksUnreachable(error))
        {
            return "The host could not be reached (no such name, or the connection was refused): check the URL, or let an Admin allow the host in `Http:AllowedHosts` if it is an internal service.";
        }
        return status switch
        {
            404 => "The server has no such address: check the step's URL (and its path and query).",
            429 => "The service is limiting the rate: lower it (settings.maxConcurrency, a delay between calls) or add a retry with backoff to the step.",
            >= 500 and < 600 => "The service failed on its side: add a retry with backoff to the step, or run it again later.",
            _ => null,
        };
    }

    private static int? StatusOf(string error) =>
        StatusPattern().Match(error) is { Success: true } match
            ? int.Parse(match.Groups.Values.Skip(1).First(g => g.Success).Value, System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>True when a message says credentials were refused (HTTP 401/403, SMTP 535, a refused key or password).</summary>
    public static bool LooksLikeCredentials(string text) =>
        StatusOf(text) is 401 or 403
        || text.Contains("535", StringComparison.Ordinal)
        || text.Contains("authentication", StringComparison.OrdinalIgnoreCase)
        || text.Contains("password", StringComparison.OrdinalIgnoreCase)
        || text.Contains("API key", StringComparison.OrdinalIgnoreCase)
        || text.Contains("Unauthorized", StringComparison.OrdinalIgnoreCase)
        || text.Contains("Forbidden", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a message says the host was not reached: DNS, a refused or reset connection.</summary>
    public static bool LooksUnreachable(string text) =>
        text.Contains("Could not reach", StringComparison.Ordinal)
        || text.Contains("refused", StringComparison.OrdinalIgnoreCase)
        || text.Contains("No such host", StringComparison.OrdinalIgnoreCase)
        || text.Contains("Name or service not known", StringComparison.OrdinalIgnoreCase)
        || text.Contains("No answer within", StringComparison.Ordinal);
}
