using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Acornima;
using AutomationDesk.Core.Execution;
using Jint;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// Runs a code step's JavaScript in Jint with nothing but the language and a <c>console</c>: no CLR (Jint's
/// <c>AllowClr</c> is never called, so there is no <c>importNamespace</c> or <c>System</c>), no <c>require</c>,
/// <c>import</c>, <c>fetch</c> or timers, no files or network; strict mode; bounded in time, allocation, recursion and
/// statements by Jint's own constraints. The body runs as a function, so it may <c>return</c>; what it returns leaves
/// through <c>JSON.stringify</c> within the same bounds, so no engine or CLR object escapes.
/// </summary>
internal sealed class JavaScriptSandbox(CodeStepOptions limits)
{
    public const int MaxRecursion = 256;
    public const int MaxOutputBytes = 1024 * 1024;

    private const string SourceName = "code";

    // The original JSON.stringify is taken before the body runs, so a script that replaces it still returns JSON.
    // The body starts on the second line: a line Jint reports is the script's own line plus one; columns are its own.
    private const string Prefix = "((__stringify) => __stringify((function () {\n";
    private const string Suffix = "\n})()))(JSON.stringify)";

    private static readonly ScriptPreparationOptions Parsing = new()
    {
        ParsingOptions = ScriptParsingOptions.Default with { AllowReturnOutsideFunction = true },
    };

    /// <summary>The script's syntax error with its line and column, or null when it parses.</summary>
    public static string? SyntaxError(string source)
    {
        try
        {
            // Parsed alone, as a function body: a source that closes the wrapper's braces does not parse either.
            Engine.PrepareScript(source, SourceName, strict: true, options: Parsing);
            return null;
        }
        catch (ScriptPreparationException e) when (e.InnerException is ParseErrorException parse)
        {
            return $"SyntaxError at line {parse.LineNumber}, column {parse.Column + 1}: {parse.Description}";
        }
    }

    /// <summary>Runs the script with <paramref name="input"/> as its global <c>input</c>; its value is the output.</summary>
    /// <exception cref="StepFailedException">A syntax or script error (naming its line) or a limit the script hit.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled while the script ran.</exception>
    public JsonNode? Run(string source, JsonNode? input, TimeSpan timeLimit, StepContext context, CancellationToken ct)
    {
        if (SyntaxError(source) is { } syntax)
        {
            throw new StepFailedException(syntax);
        }
        var memoryBytes = limits.MemoryLimitMegabytes * 1024L * 1024L;
        using var engine = new Engine(options =>
        {
            options.Strict()
                .LimitMemory(memoryBytes)
                .LimitRecursion(MaxRecursion)
                .MaxStatements(limits.MaxStatements)
                .TimeoutInterval(timeLimit)
                .RegexTimeoutInterval(timeLimit)
                .CancellationToken(ct);
            // Recursion through getters, coercions and callbacks is not counted by LimitRecursion: stop it before the
            // thread's stack runs out, which would end the desk's process.
            options.Constraints.StackOverflowGuard = true;
            options.Culture = CultureInfo.InvariantCulture;
            options.TimeZone = TimeZoneInfo.Utc;
        });
        engine.SetValue("input", input is null ? JsValue.Null : new JsonParser(engine).Parse(input.ToJsonString()));
        engine.SetValue("console", new ScriptConsole(context).Create(engine));
        JsValue result;
        try
        {
            result = engine.Evaluate(Prefix + source + Suffix, SourceName);
        }
        catch (ExecutionCanceledException e)
        {
            throw new OperationCanceledException("The script was stopped because its run was cancelled or timed out.", e, ct);
        }
        catch (TimeoutException e)
        {
            throw new StepFailedException($"The script ran longer than {Seconds(timeLimit)}.", e.Message, e);
        }
        catch (MemoryLimitExceededException e)
        {
            throw new StepFailedException($"The script used more than {limits.MemoryLimitMegabytes} MB.", e.Message, e);
        }
        catch (RecursionDepthOverflowException e)
        {
            throw new StepFailedException($"The script recursed deeper than {MaxRecursion} calls.", e.Message, e);
        }
        catch (StatementsCountOverflowException e)
        {
            throw new StepFailedException($"The script ran more than {limits.MaxStatements.ToString("N0", CultureInfo.InvariantCulture)} statements.", e.Message, e);
        }
        catch (JavaScriptException e)
        {
            throw new StepFailedException(Describe(e, source), e.JavaScriptStackTrace ?? e.Message, e);
        }
        return Output(result);
    }

    /// <summary>"TypeError at line 3, column 9: …" at the script's own line, or what went wrong writing its value.</summary>
    private static string Describe(JavaScriptException e, string source)
    {
        var name = e.Error is Jint.Native.Object.ObjectInstance error && error.Get("name") is { } n && n.IsString() ? n.AsString() : "Error";
        var line = e.Location.Start.Line - 1;
        var lines = source.Count(c => c == '\n') + 1;
        return line >= 1 && line <= lines
            ? $"{name} at line {line}, column {e.Location.Start.Column + 1}: {e.Message}"
            : $"The returned value cannot be written as JSON: {e.Message}";
    }

    private static JsonNode? Output(JsValue result)
    {
        // undefined (and a function, which JSON cannot write) becomes null.
        if (!result.IsString())
        {
            return null;
        }
        var json = result.AsString();
        if (Encoding.UTF8.GetByteCount(json) > MaxOutputBytes)
        {
            throw new StepFailedException($"The returned value is over {MaxOutputBytes / 1024 / 1024} MiB as JSON: return less, or keep big data elsewhere.");
        }
        try
        {
            return StoredJson.Parse(json);
        }
        catch (JsonException e)
        {
            throw new StepFailedException($"The returned value cannot be kept as JSON: {e.Message}", null, e);
        }
    }

    private static string Seconds(TimeSpan span) => $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
