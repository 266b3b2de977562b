using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Settings;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

public sealed record SettingValue(string Key, JsonNode? Value);

/// <summary>
/// Desk-wide settings: <c>{ "value": &lt;any JSON&gt; }</c> under a known key. Anyone signed in may read one key (a page
/// shows which connection is the default); listing them all and changing them is for Admins. Keys and values are
/// checked by <see cref="DeskSettingKeys"/>, the same rules the Settings page applies.
/// </summary>
public static class SettingsApi
{
    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/settings").WithTags("Settings").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).RequireAuthorization(DeskPolicies.Admin).WithSummary("Lists the desk's settings");
        group.MapGet("/{key}", Get).WithSummary("Gets one setting");
        group.MapPut("/{key}", Set).RequireAuthorization(DeskPolicies.Admin).Accepts<JsonObject>("application/json").WithSummary("Sets one setting");
        group.MapDelete("/{key}", Delete).RequireAuthorization(DeskPolicies.Admin).WithSummary("Removes a setting (its default applies)");
        return app;
    }

    static async Task<Ok<IReadOnlyList<SettingValue>>> List(DeskSettings settings, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<SettingValue>>((await settings.AllAsync(ct)).Select(s => new SettingValue(s.Key, s.Value)).ToList());

    static async Task<Results<Ok<SettingValue>, ProblemHttpResult>> Get(string key, DeskSettings settings, CancellationToken ct)
    {
        DeskSettingKeys.CheckKey(key);
        var all = await settings.AllAsync(ct);
        return all.TryGetValue(key, out var value) ? TypedResults.Ok(new SettingValue(key, value)) : Problems.NotFound("setting", key);
    }

    static async Task<Ok<SettingValue>> Set(string key, HttpRequest request, DeskSettings settings, ClaimsPrincipal user, CancellationToken ct)
    {
        DeskSettingKeys.CheckKey(key);
        var body = await RequestBody.ReadObjectAsync(request, ct);
        if (!body.ContainsKey("value") || body.Count != 1)
        {
            throw DeskProblemException.InvalidField("value", "Send { \"value\": <any JSON> } and nothing else; DELETE removes the setting.");
        }
        var stored = await settings.ChangeAsync(key, body["value"]?.DeepClone(), user.ToActor(), ct);
        return TypedResults.Ok(new SettingValue(key, stored));
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string key, DeskSettings settings, ClaimsPrincipal user, CancellationToken ct)
    {
        DeskSettingKeys.CheckKey(key);
        return await settings.DeleteAsync(key, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("setting", key);
    }
}
