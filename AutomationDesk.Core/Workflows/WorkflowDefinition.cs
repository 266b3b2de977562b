using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AutomationDesk.Core.Workflows;

/// <summary>A workflow definition, schemaVersion 1: the JSON the API takes, export writes and the editor edits.</summary>
public sealed record WorkflowDefinition
{
    /// <summary>The number 1; text such as "1" is refused (a missing one reads as 1).</summary>
    [JsonNumberHandling(JsonNumberHandling.Strict)]
    public int SchemaVersion { get; init; } = 1;
    public string Name { get; init; } = "";
    public string? Description { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public bool Enabled { get; init; } = true;
    public TriggerDefinition Trigger { get; init; } = new();
    public IReadOnlyList<StepDefinition> Steps { get; init; } = [];
    public WorkflowSettings? Settings { get; init; }
}

public sealed record TriggerDefinition
{
    public string Type { get; init; } = TriggerTypes.Manual;
    public ScheduleTrigger? Schedule { get; init; }
    public WebhookTrigger? Webhook { get; init; }
    public EventTrigger? Event { get; init; }
    public EmailTrigger? Email { get; init; }
    public FileTrigger? File { get; init; }
}

public static class TriggerTypes
{
    public const string Manual = "manual";
    public const string Schedule = "schedule";
    public const string Webhook = "webhook";
    public const string Event = "event";
    public const string Email = "email";
    public const string File = "file";

    public static readonly IReadOnlyList<string> All = [Manual, Schedule, Webhook, Event, Email, File];
}

public sealed record ScheduleTrigger
{
    public string? Cron { get; init; }
    public TimeSpan? Every { get; init; }
    public string Timezone { get; init; } = "UTC";
    public string Overlap { get; init; } = "skip";
    public string Misfire { get; init; } = "skip";
    public TimeSpan? AlertAfter { get; init; }
}

public sealed record WebhookTrigger
{
    public WebhookSignature? Signature { get; init; }
    public string? IdempotencyKey { get; init; }
    public string Respond { get; init; } = "accepted";
    public TimeSpan? RespondTimeout { get; init; }
    public long? MaxBodyBytes { get; init; }
}

public sealed record WebhookSignature
{
    public string Scheme { get; init; } = "hmac-sha256";
    public string? Header { get; init; }
    public string Secret { get; init; } = "";
    public int? ToleranceSeconds { get; init; }
}

public sealed record EventTrigger
{
    public Guid WorkflowId { get; init; }
    public IReadOnlyList<string> On { get; init; } = ["succeeded"];
}

/// <summary>An IMAP connection's folder, polled every <see cref="Every"/>; each new message starts one run.</summary>
public sealed record EmailTrigger
{
    public string Connection { get; init; } = "";
    public string Folder { get; init; } = "INBOX";
    public TimeSpan Every { get; init; } = TimeSpan.FromMinutes(1);
    public bool MarkSeen { get; init; } = true;
}

/// <summary>A folder under <c>Files:Root</c>, polled every <see cref="Every"/>; each new file starts one run.</summary>
public sealed record FileTrigger
{
    public string Folder { get; init; } = "";
    public string Pattern { get; init; } = "*";
    public TimeSpan Every { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What becomes of a file once its run has started: <c>move</c> (to <c>processed/</c>), <c>delete</c> or <c>keep</c>.</summary>
    public string Then { get; init; } = "move";
}

public sealed record StepDefinition
{
    public string Id { get; init; } = "";
    public string Type { get; init; } = "";
    public string? Name { get; init; }
    /// <summary>Null: the previous step. Empty: a root.</summary>
    public IReadOnlyList<string>? DependsOn { get; init; }
    /// <summary>A template whose value must be truthy, or a structured condition.</summary>
    public JsonNode? When { get; init; }
    public RetryPolicy? Retry { get; init; }
    public TimeSpan? Timeout { get; init; }
    public string OnError { get; init; } = OnErrorModes.Fail;
    public JsonObject Config { get; init; } = [];
}

public static class OnErrorModes
{
    public const string Fail = "fail";
    public const string Continue = "continue";
}

public sealed record RetryPolicy
{
    public int MaxAttempts { get; init; } = 1;
    public string Backoff { get; init; } = "exponential";
    public TimeSpan? InitialDelay { get; init; }
    public TimeSpan? MaxDelay { get; init; }
}

public sealed record WorkflowSettings
{
    public TimeSpan? Timeout { get; init; }
    public TimeSpan? ExpectedDuration { get; init; }
    public int? MaxConcurrency { get; init; }
    public IReadOnlyList<string> NotifyOn { get; init; } = [];
    /// <summary>Business keys: name → template, evaluated when a run starts.</summary>
    public IReadOnlyDictionary<string, string>? Keys { get; init; }
    /// <summary>Values available to templates as <c>vars.*</c>.</summary>
    public JsonObject? Vars { get; init; }
    /// <summary>A template for the run's output; by default the last step's output.</summary>
    public JsonNode? Output { get; init; }
    /// <summary>The error workflow: started when a run of this one fails for good.</summary>
    public OnFailureSettings? OnFailure { get; init; }
    /// <summary>
    /// Days this workflow's runs are kept, instead of the desk's <c>retention.executionsDays</c>: longer for an audit
    /// trail, shorter for a noisy poller. Null: the desk's setting.
    /// </summary>
    public int? RetentionDays { get; init; }
}

public sealed record OnFailureSettings
{
    public Guid WorkflowId { get; init; }
}
