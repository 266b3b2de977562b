using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Runs JavaScript (Jint) for what no template can compute: <c>input</c> is the resolved <c>config.input</c>, the
/// returned value is the output, <c>console.log</c> lines are the step's run logs. The script is sandboxed (see
/// <see cref="JavaScriptSandbox"/>) and has the attempt's time limit: the step's <c>timeout</c>, 1 s by default, at
/// most 30 s. A script error names its line; no error of a script is worth retrying, so none is transient.
/// </summary>
[StepType("code", Label = "Code", Category = StepCategory.Data, Summary = "Runs a short JavaScript script over its input.", DefaultTimeoutSeconds = DefaultTimeLimitSeconds, MaxTimeoutSeconds = MaxTimeLimitSeconds)]
public sealed class CodeStep(IOptions<CodeStepOptions> options) : IStep<CodeConfig>
{
    public const int DefaultTimeLimitSeconds = 1;
    public const int MaxTimeLimitSeconds = 30;

    public Task<StepResult> ExecuteAsync(CodeConfig config, StepContext context, CancellationToken ct)
    {
        var limit = context.Timeout ?? TimeSpan.FromSeconds(DefaultTimeLimitSeconds);
        if (limit > TimeSpan.FromSeconds(MaxTimeLimitSeconds))
        {
            limit = TimeSpan.FromSeconds(MaxTimeLimitSeconds);
        }
        // Synchronous on the runner's worker thread: Jint counts a script's allocations on the thread that runs it.
        var output = new JavaScriptSandbox(options.Value).Run(config.Source, config.Input, limit, context, ct);
        return Task.FromResult(StepResult.Done(output));
    }
}

public sealed record CodeConfig
{
    public const int MaxSourceBytes = 64 * 1024;

    /// <summary>The script's body (JavaScript, strict mode); <c>return</c> gives the output. Taken as written: <c>${…}</c> here is JavaScript's.</summary>
    [LiteralText, JavaScriptSource(MaxSourceBytes)]
    public required string Source { get; init; }

    /// <summary>Any JSON, templates resolved before the script runs; the script reads it as <c>input</c>.</summary>
    public JsonNode? Input { get; init; }
}

/// <summary>A script at most <c>maxBytes</c> long (UTF-8) that parses, checked when the workflow is saved.</summary>
public sealed class JavaScriptSourceAttribute(int maxBytes) : ConfigRuleAttribute
{
    public int MaxBytes { get; } = maxBytes;

    public override string? Check(object value, DateTimeOffset now) => value switch
    {
        string { Length: 0 } => "Required: the script to run.",
        string source when Encoding.UTF8.GetByteCount(source) > MaxBytes => $"At most {MaxBytes / 1024} KiB of script.",
        string source => JavaScriptSandbox.SyntaxError(source),
        _ => null,
    };
}
