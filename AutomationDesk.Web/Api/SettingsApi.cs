using System.Security.Claims;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutomationDesk.Core;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Settings;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

public sealed record SettingValue(string Key, JsonNode? Value);

/// <summary>
/// Desk-wide settings: <c>{ "value": &lt;any JSON&gt; }</c> under a known key. Anyone signed in may read one key (a page
/// shows which connection is the default); listing them all and changing them is for Admins. A key this desk does not
/// know is refused, so a typo does not sit unread in the database.
/// </summary>
public static partial class SettingsApi
{
    public const string VarsPrefix = "vars.";

    /// <summary>The keys with a fixed name, in the order they are listed to a person who sent another.</summary>
    public static readonly IReadOnlyList<string> KnownKeys =
    [
        "desk.publicBaseUrl", DeskSettings.EmailDefaultConnection, DeskSettings.AiDefaultConnection,
        "retention.executionsDays", "retention.webhookEventsDays", "retention.notificationsDays", "retention.archive",
    ];

    /// <summary>The connection types each default-connection key may name.</summary>
    private static readonly Dictionary<string, string[]> DefaultConnectionTypes = new(StringComparer.Ordinal)
    {
        [DeskSettings.EmailDefaultConnection] = ["smtp"],
        [DeskSettings.AiDefaultConnection] = ["openai", "anthropic"],
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex VarName();

    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/settings").WithTags("Settings").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).RequireAuthorization(DeskPolicies.Admin);
        group.MapGet("/{key}", Get);
        group.MapPut("/{key}", Set).RequireAuthorization(DeskPolicies.Admin).Accepts<JsonObject>("application/json");
        group.MapDelete("/{key}", Delete).RequireAuthorization(DeskPolicies.Admin);
        return app;
    }

    static async Task<Ok<IReadOnlyList<SettingValue>>> List(DeskSettings settings, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<SettingValue>>((await settings.AllAsync(ct)).Select(s => new SettingValue(s.Key, s.Value)).ToList());

    static async Task<Results<Ok<SettingValue>, ProblemHttpResult>> Get(string key, DeskSettings settings, CancellationToken ct)
    {
        CheckKey(key);
        var all = await settings.AllAsync(ct);
        return all.TryGetValue(key, out var value) ? TypedResults.Ok(new SettingValue(key, value)) : Problems.NotFound("setting", key);
    }

    static async Task<Ok<SettingValue>> Set(
        string key, HttpRequest request, DeskSettings settings, ConnectionStore connections, ClaimsPrincipal user, CancellationToken ct)
    {
        CheckKey(key);
        var body = await RequestBody.ReadObjectAsync(request, ct);
        if (!body.ContainsKey("value") || body.Count != 1)
        {
            throw DeskProblemException.InvalidField("value", "Send { \"value\": <any JSON> } and nothing else; DELETE removes the setting.");
        }
        var value = body["value"]?.DeepClone();
        if (DefaultConnectionTypes.TryGetValue(key, out var types))
        {
            await CheckDefaultConnectionAsync(key, value, types, connections, ct);
        }
        await settings.SetAsync(key, value, user.ToActor(), ct);
        return TypedResults.Ok(new SettingValue(key, value));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string key, DeskSettings settings, ClaimsPrincipal user, CancellationToken ct)
    {
        CheckKey(key);
        return await settings.DeleteAsync(key, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("setting", key);
    }

    private static void CheckKey(string key)
    {
        if (key.StartsWith(VarsPrefix, StringComparison.Ordinal))
        {
            if (!VarName().IsMatch(key[VarsPrefix.Length..]))
            {
                throw DeskProblemException.InvalidField("key", $"'{key}': a variable's name is letters, digits and _, not starting with a digit, at most 100.");
            }
            return;
        }
        if (!KnownKeys.Contains(key, StringComparer.Ordinal))
        {
            throw DeskProblemException.InvalidField("key", $"'{key}' is not a setting. Known: {string.Join(", ", KnownKeys)}, and vars.<name> for global variables.");
        }
    }

    private static async Task CheckDefaultConnectionAsync(string key, JsonNode? value, string[] types, ConnectionStore connections, CancellationToken ct)
    {
        var wanted = string.Join(" or ", types);
        if (JsonNodeText.TextOrNull(value) is not { Length: > 0 } name || value is not JsonValue text || text.GetValueKind() != System.Text.Json.JsonValueKind.String)
        {
            throw DeskProblemException.InvalidField("value", $"{key} is the name of a {wanted} connection.");
        }
        if (await connections.GetAsync(name, ct) is not { } connection)
        {
            throw DeskProblemException.InvalidField("value", $"There is no connection '{name}'; {key} names a {wanted} connection.");
        }
        if (!types.Contains(connection.Type, StringComparer.Ordinal))
        {
            throw DeskProblemException.InvalidField("value", $"'{name}' is a {connection.Type} connection; {key} names a {wanted} connection.");
        }
    }
}
