using System.Text.Json.Nodes;

namespace AutomationDesk.Tests.Core.Properties;

/// <summary>
/// Random JSON of every kind, weighted toward what breaks parsers, writers and templates: unicode edge cases, line
/// breaks, template syntax, huge and tiny numbers, values that are .NET ids and times, deep nesting. Seeded, so a
/// failing case can be run again from its seed.
/// </summary>
public sealed class NastyJson(int seed)
{
    public const string SecretValue = "nasty-secret-value";

    private static readonly string[] Strings =
    [
        "", " ", "plain", "\r\nX-Injected: 1", "a\rb", "a\nb", "nul\0byte", "tab\tand\u0007bell", "\u202Eevil", "😀 emoji", "é", "\uFEFFbom",
        "\uD800", "\uDC00lone", "${trigger.body}", "${secrets.token}", "${", "}", "${unknown.path}", "$${x}", "${trigger.body.a ?? ", "%41%2e%2e/",
        "..\\..\\etc", "<script>alert(1)</script>", "' OR 1=1 --", SecretValue, "before " + SecretValue + " after", Uri.EscapeDataString(SecretValue),
        "1e309", "NaN", "-0", "00:00:01", "9999999.00:00:00", "-1.00:00:00", "2026-03-02T09:00:00Z", "0001-01-01", "9999-12-31T23:59:59Z", "true", "null",
        "GET", "http://127.0.0.1:1/", "file:///etc/passwd", new string('a', 20_000), string.Concat(Enumerable.Repeat("ab\u0301", 300)),
    ];

    private static readonly string[] Keys = ["a", "b", "s", "d", "", " ", "$ref", "__proto__", "constructor", "ключ", "😀", "a.b", "a[0]", "${x}", "\r\n", "x"];

    private readonly Random _random = new(seed);

    /// <summary>A trigger body: an object that often has the fields the workflow reads (a, b, s, d).</summary>
    public JsonObject Body()
    {
        var body = new JsonObject();
        foreach (var key in new[] { "a", "b", "s", "d" })
        {
            if (_random.Next(4) > 0)
            {
                body[key] = Value(depth: 0, maxDepth: 3);
            }
        }
        for (var i = _random.Next(4); i > 0; i--)
        {
            body[Keys[_random.Next(Keys.Length)] + _random.Next(3)] = Value(depth: 0, maxDepth: 6);
        }
        if (_random.Next(10) == 0)
        {
            body["deep"] = Deep(_random.Next(20, 90));
        }
        return body;
    }

    public JsonNode? Value(int depth, int maxDepth)
    {
        var kind = _random.Next(depth >= maxDepth ? 6 : 9);
        return kind switch
        {
            0 => null,
            1 => JsonValue.Create(_random.Next(2) == 0),
            2 => Number(),
            3 or 4 => JsonValue.Create(Strings[_random.Next(Strings.Length)]),
            5 => DotNetValue(),
            6 or 7 => Object(depth, maxDepth),
            _ => Array(depth, maxDepth),
        };
    }

    private JsonNode Number() => _random.Next(12) switch
    {
        0 => JsonValue.Create(0),
        1 => JsonValue.Create(-1),
        2 => JsonValue.Create(long.MaxValue),
        3 => JsonValue.Create(long.MinValue),
        4 => JsonValue.Create(ulong.MaxValue),
        5 => JsonValue.Create(1e308),
        6 => JsonValue.Create(double.Epsilon),
        7 => JsonValue.Create(decimal.MaxValue),
        8 => JsonNode.Parse("1" + new string('0', 400))!,
        9 => JsonNode.Parse("-1.5e-400")!,
        10 => JsonNode.Parse("123456789012345678901234567890.123456789")!,
        _ => JsonValue.Create(_random.NextDouble() * 1000 - 500),
    };

    /// <summary>Values that are JSON strings but were made from .NET types: reading them as text once threw.</summary>
    private JsonNode DotNetValue() => _random.Next(4) switch
    {
        0 => JsonValue.Create(Guid.NewGuid()),
        1 => JsonValue.Create(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(2))),
        2 => JsonValue.Create(new DateTime(2026, 3, 2, 9, 0, 0, DateTimeKind.Utc)),
        _ => JsonValue.Create('c'),
    };

    private JsonObject Object(int depth, int maxDepth)
    {
        var obj = new JsonObject();
        for (var i = _random.Next(5); i > 0; i--)
        {
            obj[Keys[_random.Next(Keys.Length)] + i] = Value(depth + 1, maxDepth);
        }
        return obj;
    }

    private JsonArray Array(int depth, int maxDepth)
    {
        var array = new JsonArray();
        for (var i = _random.Next(5); i > 0; i--)
        {
            array.Add(Value(depth + 1, maxDepth));
        }
        return array;
    }

    private static JsonNode Deep(int depth)
    {
        JsonNode node = JsonValue.Create("bottom");
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonObject { ["n"] = node } : new JsonArray(node);
        }
        return node;
    }
}
