using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>A service's answer to a test or token call, read whole (at most <see cref="MaxBytes"/>): its status, text and JSON.</summary>
public sealed record HttpAnswer(int Status, string Reason, string Text, JsonNode? Json)
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>The answer when it is a JSON object, as most services' answers are.</summary>
    public JsonObject? Object => Json as JsonObject;

    public static async Task<HttpAnswer> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct)) > 0)
        {
            length += read;
        }
        var text = Encoding.UTF8.GetString(buffer, 0, length);
        JsonNode? json = null;
        try
        {
            json = text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[') ? JsonNode.Parse(text) : null;
        }
        catch (JsonException)
        {
            // Not JSON after all: the text still says what happened.
        }
        return new HttpAnswer((int)response.StatusCode, response.ReasonPhrase ?? "", text, json);
    }

    /// <summary>
    /// The service's own error message, short: the fields services use (<c>message</c>, <c>error_description</c>,
    /// <c>error</c>, <c>errors[0].message</c>, <c>description</c>, <c>detail</c>), else the start of the text.
    /// </summary>
    public string Error()
    {
        var o = Object;
        var firstError = (o?["errors"] as JsonArray)?.FirstOrDefault();
        var message = o?["message"].TextOrNull()
            ?? o?["error_description"].TextOrNull()
            ?? o?["error"].TextOrNull()
            ?? (o?["error"] as JsonObject)?["message"].TextOrNull()
            ?? (firstError as JsonObject)?["message"].TextOrNull()
            ?? firstError.TextOrNull()
            ?? o?["description"].TextOrNull()
            ?? o?["detail"].TextOrNull()
            ?? Text.Trim();
        return message.Length == 0 ? "no message" : Short(message);
    }

    public static string Short(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
