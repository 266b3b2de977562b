using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// How steps read what a service answers: within <c>Http:MaxResponseBytes</c>, read as it streams (a service that
/// sends more than it announced is cut off too), and, for a JSON answer, parsed.
/// </summary>
public static class ResponseBody
{
    /// <summary>The body as UTF-8 text; over <paramref name="maxBytes"/> fails the step, naming <paramref name="who"/> answered.</summary>
    public static async Task<string> ReadTextAsync(HttpResponseMessage response, int maxBytes, string who, CancellationToken ct)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw new StepFailedException($"{who} is {response.Content.Headers.ContentLength} bytes, over the limit of {maxBytes} (Http:MaxResponseBytes).");
        }
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new StepFailedException($"{who} is over the limit of {maxBytes} bytes (Http:MaxResponseBytes).");
            }
            buffer.Write(chunk, 0, read);
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The body parsed when it is JSON (text when it does not parse), else its text; null when empty.</summary>
    public static async Task<JsonNode?> ReadAsync(HttpResponseMessage response, int maxBytes, string who, CancellationToken ct)
    {
        var text = await ReadTextAsync(response, maxBytes, who, ct);
        if (text.Length == 0)
        {
            return null;
        }
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return JsonValue.Create(text);
            }
        }
        return JsonValue.Create(text);
    }
}
