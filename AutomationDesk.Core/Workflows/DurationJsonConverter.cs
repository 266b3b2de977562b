using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace AutomationDesk.Core.Workflows;

/// <summary>Durations are <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>) strings or ISO 8601 (<c>PT30S</c>).</summary>
public sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A duration must be a string such as \"00:00:30\" or \"PT30S\".");
        }
        var text = reader.GetString()!;
        return TryParse(text, out var value)
            ? value
            : throw new JsonException($"'{text}' is not a duration: use \"hh:mm:ss\" or ISO 8601 such as \"PT30S\".");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));

    public static bool TryParse(string text, out TimeSpan value)
    {
        if (text.StartsWith('P') || text.StartsWith('-'))
        {
            try
            {
                value = XmlConvert.ToTimeSpan(text);
                return value >= TimeSpan.Zero;
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                value = default;
                return false;
            }
        }
        return TimeSpan.TryParseExact(text, ["c", "g"], CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
    }
}
