using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Workflows;

/// <summary>
/// Reads JSON that comes from outside the desk: API bodies, trigger bodies (execute, webhooks, the inbox), imports and
/// the editor's JSON tab. A key that appears twice in one object is refused, naming the key and where it is: parsers
/// disagree on which of the two values wins, so a signed body could mean one thing to its sender and another here,
/// and a <see cref="JsonObject"/> built over such a body throws when it is read much later, in the middle of a run.
/// </summary>
public static class IncomingJson
{
    /// <summary>How deep objects and arrays may nest in what the desk accepts.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    /// <summary>Parses <paramref name="json"/>; a <see cref="JsonException"/> says what is wrong (a repeated key by name and path).</summary>
    public static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: Strict);
        }
        catch (JsonException e) when (FindRepeatedKey(Encoding.UTF8.GetBytes(json)) is { } repeated)
        {
            throw new JsonException(repeated.Message, repeated.Path, null, null, e);
        }
    }

    /// <inheritdoc cref="Parse(string)"/>
    public static JsonNode? Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return JsonNode.Parse(utf8Json, documentOptions: Strict);
        }
        catch (JsonException e) when (FindRepeatedKey(utf8Json) is { } repeated)
        {
            throw new JsonException(repeated.Message, repeated.Path, null, null, e);
        }
    }

    /// <summary>The first key that appears twice in one object, or null when every object's keys differ (or the text is malformed).</summary>
    public static RepeatedKey? FindRepeatedKey(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = MaxDepth });
        var containers = new Stack<Container>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        if (containers.TryPeek(out var parent) && parent.Keys is null)
                        {
                            parent.Index++;
                        }
                        containers.Push(new Container(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null, PathOf(containers)));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        containers.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var top = containers.Peek();
                        var name = reader.GetString()!;
                        if (!top.Keys!.Add(name))
                        {
                            return new RepeatedKey(name, top.Path);
                        }
                        top.LastKey = name;
                        break;
                    default:
                        if (containers.TryPeek(out var array) && array.Keys is null)
                        {
                            array.Index++;
                        }
                        break;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed in another way: the parser's own message says how.
        }
        return null;
    }

    private static string PathOf(Stack<Container> containers)
    {
        if (!containers.TryPeek(out var parent))
        {
            return "$";
        }
        return parent.Keys is null ? $"{parent.Path}[{parent.Index - 1}]" : $"{parent.Path}.{parent.LastKey}";
    }

    /// <summary>A key given twice in the object at <paramref name="Path"/> (<c>$</c>, <c>$.a</c>, <c>$.a[0]</c>).</summary>
    public sealed record RepeatedKey(string Key, string Path)
    {
        public string Message => $"The key '{Key}' appears twice in {(Path == "$" ? "the same object" : Path)}; give each key once.";
    }

    private sealed class Container(HashSet<string>? keys, string path)
    {
        public HashSet<string>? Keys { get; } = keys;
        public string Path { get; } = path;
        public string? LastKey { get; set; }
        public int Index { get; set; }
    }
}
