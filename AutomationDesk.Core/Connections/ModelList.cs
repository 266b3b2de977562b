using System.Text.Json;
using System.Text.Json.Nodes;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// The test of an AI connection: both OpenAI and Anthropic list their models as <c>{ "data": [ { "id": … } ] }</c>,
/// so one reading serves both; the detail names a few models and whether the configured one is there.
/// A refused key fails the test; a model not listed does not (Azure lists base models, not deployments), but is named.
/// </summary>
internal static class ModelList
{
    private const int Shown = 5;

    public static async Task<ConnectionTestResult> TestAsync(
        ConnectionHttp http, HttpRequestMessage request, ConnectionSettings settings, string? model, CancellationToken ct)
    {
        using var response = await http.SendAsync(request, settings, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var status = (int)response.StatusCode;
        if (status is 401 or 403)
        {
            return ConnectionTestResult.Failed($"{request.RequestUri} answered {status}: the API key was refused. Check the connection's API key.");
        }
        if (!response.IsSuccessStatusCode)
        {
            return ConnectionTestResult.Failed($"{request.RequestUri} answered {status} {response.ReasonPhrase}: {Snippet(body)}");
        }
        JsonArray? data;
        try
        {
            data = JsonNode.Parse(body)?["data"] as JsonArray;
        }
        catch (JsonException)
        {
            data = null;
        }
        if (data is null)
        {
            return ConnectionTestResult.Failed($"{request.RequestUri} answered, but not with a list of models: {Snippet(body)}");
        }
        var ids = data.Select(m => (m as JsonObject)?["id"]?.GetValueKind() == JsonValueKind.String ? m!["id"]!.GetValue<string>() : null)
            .OfType<string>().ToList();
        var listed = ids.Count == 0 ? "no models" : string.Join(", ", ids.Take(Shown)) + (ids.Count > Shown ? $" and {ids.Count - Shown} more" : "");
        if (model is null)
        {
            return ConnectionTestResult.Passed($"Signed in; models: {listed}.");
        }
        return ids.Contains(model, StringComparer.Ordinal)
            ? ConnectionTestResult.Passed($"Signed in; the model '{model}' is available ({ids.Count} models: {listed}).")
            // Azure lists its base models, not the deployment names a step sends: an unlisted model is news, not a failure.
            : ConnectionTestResult.Passed($"Signed in, but the model '{model}' is not among the {ids.Count} listed ({listed}); unless it is an Azure deployment name, check the model.");
    }

    private static string Snippet(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
