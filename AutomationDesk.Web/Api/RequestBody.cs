using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Web.Api;

/// <summary>Reads request bodies whose errors the desk words itself (the framework's binder says too little).</summary>
public static class RequestBody
{
    public static async Task<string> ReadTextAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(ct);
    }

    /// <summary>The body as a JSON object; an empty body is <c>{}</c>.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        var text = await ReadTextAsync(request, ct);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }
        try
        {
            return IncomingJson.Parse(text) as JsonObject
                ?? throw new DeskProblemException(ProblemKind.Invalid, "Bad request body", "The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new DeskProblemException(ProblemKind.Invalid, "Malformed JSON", $"The body is not valid JSON: {e.Message}");
        }
    }
}
