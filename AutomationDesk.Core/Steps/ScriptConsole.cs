using System.Text;
using AutomationDesk.Core.Execution;
using Jint;
using Jint.Native;
using Jint.Native.Error;
using Jint.Native.Function;
using Jint.Native.Object;
using Jint.Native.Json;
using Jint.Runtime;
using Jint.Runtime.Interop;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// The <c>console</c> a code step's script sees: <c>log</c>, <c>info</c>, <c>debug</c>, <c>warn</c> and <c>error</c>
/// become run logs of the step at the matching level, their arguments joined by spaces as a browser does (objects as
/// JSON). A script that writes more than <see cref="MaxLines"/> lines or <see cref="MaxChars"/> characters has the
/// rest dropped, said once, so a chatty loop cannot fill the run's log.
/// </summary>
internal sealed class ScriptConsole(StepContext context)
{
    public const int MaxLines = 1000;
    public const int MaxChars = 64 * 1024;

    private int _lines;
    private int _chars;
    private bool _dropped;

    /// <summary>The console object, with one function per level.</summary>
    public JsObject Create(Engine engine)
    {
        var console = new JsObject(engine);
        Add(engine, console, "log", LogLevelName.Information);
        Add(engine, console, "info", LogLevelName.Information);
        Add(engine, console, "debug", LogLevelName.Debug);
        Add(engine, console, "warn", LogLevelName.Warning);
        Add(engine, console, "error", LogLevelName.Error);
        return console;
    }

    private void Add(Engine engine, JsObject console, string name, LogLevelName level) =>
        console.Set(name, new ClrFunction(engine, name, (_, arguments) =>
        {
            Write(level, Line(engine, arguments));
            return JsValue.Undefined;
        }));

    private void Write(LogLevelName level, string line)
    {
        if (_dropped)
        {
            return;
        }
        if (_lines >= MaxLines || _chars + line.Length > MaxChars)
        {
            _dropped = true;
            context.Log(LogLevelName.Warning, $"The script's further console output was dropped: a run keeps at most {MaxLines} lines or {MaxChars / 1024} KiB of it.");
            return;
        }
        _lines++;
        _chars += line.Length;
        context.Log(level, line);
    }

    private static string Line(Engine engine, JsValue[] arguments)
    {
        var line = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (line.Length > 0)
            {
                line.Append(' ');
            }
            line.Append(Text(engine, argument));
        }
        return line.ToString();
    }

    private static string Text(Engine engine, JsValue value)
    {
        if (value is ObjectInstance and not Function and not JsError)
        {
            try
            {
                if (new JsonSerializer(engine).Serialize(value) is { } json && !json.IsUndefined())
                {
                    return json.ToString();
                }
            }
            catch (JavaScriptException)
            {
                // An object JSON cannot write (a cycle, a BigInt inside): shown as JavaScript shows it.
            }
        }
        return value.ToString();
    }
}
