using System.Security.Claims;
using System.Text.Json.Nodes;
using AutomationDesk.Core;
using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

/// <summary>A field of a connection type as the form draws it; <c>shownWhen</c> names the field and values it applies for.</summary>
public sealed record ConnectionFieldView(
    string Name, string Label, ConnectionFieldKind Kind, bool Required, string? Default, IReadOnlyList<string> Choices,
    string? Help, string? Placeholder, ShownWhenView? ShownWhen);

public sealed record ShownWhenView(string Field, IReadOnlyList<string> Values);

/// <summary>A connection type: its fields in form order (secret ones too), which of them are secret, and what its test does.</summary>
public sealed record ConnectionTypeView(
    string Type, string Label, string Description, string? DocsUrl, IReadOnlyList<ConnectionFieldView> Fields,
    IReadOnlyList<string> SecretFields, string Test);

/// <summary>The answer of a test: the same outcome is kept as the connection's health.</summary>
public sealed record ConnectionTestAnswer(bool Ok, string Detail, int LatencyMs);

/// <summary>
/// Connections to outside services. Everyone signed in reads them (never a secret: only which secret fields are set);
/// Editors and Admins test them; only Admins create, change and delete them, since a connection's credentials act for
/// the whole desk.
/// </summary>
public static class ConnectionsApi
{
    public static IEndpointRouteBuilder MapConnectionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/connection-types", Types).WithTags("Connections").RequireAuthorization(DeskPolicies.Read).WithSummary("Lists connection types and their fields");
        var group = app.MapGroup("/api/v1/connections").WithTags("Connections").RequireAuthorization(DeskPolicies.Read);
        group.MapGet("/", List).WithSummary("Lists connections and their health (never a secret)");
        group.MapPost("/", Create).RequireAuthorization(DeskPolicies.Admin).Accepts<JsonObject>("application/json").WithSummary("Creates a connection");
        group.MapGet("/{name}", Get).WithSummary("Gets a connection (never a secret)");
        group.MapPut("/{name}", Update).RequireAuthorization(DeskPolicies.Admin).Accepts<JsonObject>("application/json").WithSummary("Replaces a connection's config and secrets");
        group.MapDelete("/{name}", Delete).RequireAuthorization(DeskPolicies.Admin).WithSummary("Deletes a connection no workflow uses");
        group.MapPost("/{name}/test", Test).RequireAuthorization(DeskPolicies.Write).WithSummary("Tests a connection against its service");
        return app;
    }

    public static ConnectionTypeView View(ConnectionType type) => new(
        type.Name, type.Label, type.Description, type.DocsUrl,
        type.Fields.Select(f => new ConnectionFieldView(f.Name, f.Label, f.Kind, f.Required, f.Default, f.Choices, f.Help, f.Placeholder,
            f.ShownWhen is { } when ? new ShownWhenView(when.Field, when.Values) : null)).ToList(),
        type.SecretFields.Select(f => f.Name).ToList(), type.TestDescription);

    static Ok<IReadOnlyList<ConnectionTypeView>> Types(ConnectionTypes types) =>
        TypedResults.Ok<IReadOnlyList<ConnectionTypeView>>(types.All.OrderBy(t => t.Label, StringComparer.OrdinalIgnoreCase).Select(View).ToList());

    static async Task<Ok<Paged<ConnectionView>>> List(
        string? q, string? type, string? health, [AsParameters] PageQuery paging, ConnectionStore store, CancellationToken ct)
    {
        paging.Check();
        var wanted = health is null ? (ConnectionHealth?)null : ParseHealth(health);
        var matching = (await store.ListAsync(ct))
            .Where(c => string.IsNullOrWhiteSpace(q)
                || c.Name.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase) || c.Type.Contains(q.Trim(), StringComparison.OrdinalIgnoreCase))
            .Where(c => string.IsNullOrWhiteSpace(type) || c.Type == type)
            .Where(c => wanted is null || c.Health == wanted)
            .ToList();
        return TypedResults.Ok(new Paged<ConnectionView>(paging.Of(matching), paging.Number, paging.Size, matching.Count));
    }

    static async Task<Created<ConnectionView>> Create(HttpRequest request, ConnectionStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, ct);
        var input = Input(body, name: null, type: null);
        var created = await store.CreateAsync(input, user.ToActor(), ct);
        return TypedResults.Created($"/api/v1/connections/{Uri.EscapeDataString(created.Name)}", created);
    }

    static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> Get(string name, ConnectionStore store, CancellationToken ct) =>
        await store.GetAsync(name, ct) is { } connection ? TypedResults.Ok(connection) : Problems.NotFound("connection", name);

    /// <summary>Name and type may be left out (a connection keeps both); a secret left out, empty or <c>***</c> keeps its value.</summary>
    static async Task<Results<Ok<ConnectionView>, ProblemHttpResult>> Update(
        string name, HttpRequest request, ConnectionStore store, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await RequestBody.ReadObjectAsync(request, ct);
        if (await store.GetAsync(name, ct) is not { } stored)
        {
            return Problems.NotFound("connection", name);
        }
        var input = Input(body, name, stored.Type);
        return await store.UpdateAsync(name, input, user.ToActor(), ct) is { } updated ? TypedResults.Ok(updated) : Problems.NotFound("connection", name);
    }

    static async Task<Results<NoContent, ProblemHttpResult>> Delete(string name, ConnectionStore store, ClaimsPrincipal user, CancellationToken ct) =>
        await store.DeleteAsync(name, user.ToActor(), ct) ? TypedResults.NoContent() : Problems.NotFound("connection", name);

    static async Task<Results<Ok<ConnectionTestAnswer>, ProblemHttpResult>> Test(string name, ConnectionTester tester, CancellationToken ct) =>
        await tester.TestAsync(name, ct) is { } result
            ? TypedResults.Ok(new ConnectionTestAnswer(result.Ok, result.Detail, result.LatencyMs))
            : Problems.NotFound("connection", name);

    public static ConnectionHealth ParseHealth(string health) => health switch
    {
        "ok" => ConnectionHealth.Ok,
        "failing" => ConnectionHealth.Failing,
        "unknown" => ConnectionHealth.Unknown,
        _ => throw DeskProblemException.InvalidField("health", $"'{health}' is not a health: ok, failing or unknown."),
    };

    /// <summary>
    /// Reads <c>{ name, type, config, secrets }</c> with every problem named by its field. On an update the stored name and
    /// type are the defaults (a body may leave them out).
    /// </summary>
    private static ConnectionInput Input(JsonObject body, string? name, string? type)
    {
        var errors = new ValidationErrors();
        foreach (var (field, _) in body.Where(p => p.Key is not ("name" or "type" or "config" or "secrets")))
        {
            errors.Add(field, "Not a field of a connection: send name, type, config and secrets.");
        }
        var givenName = Text(body, "name", errors) ?? name;
        var givenType = Text(body, "type", errors) ?? type;
        if (givenName is null)
        {
            errors.Add("name", "Required: the name workflows use for the connection.");
        }
        if (givenType is null)
        {
            errors.Add("type", "Required: one of the types GET /api/v1/connection-types lists.");
        }
        if (body["config"] is not (null or JsonObject))
        {
            errors.Add("config", "Must be an object of the type's fields.");
        }
        var secrets = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (body["secrets"] is JsonObject given)
        {
            foreach (var (field, value) in given)
            {
                if (value is null)
                {
                    secrets[field] = null;
                }
                else if (value is JsonValue text && text.GetValueKind() == System.Text.Json.JsonValueKind.String)
                {
                    secrets[field] = text.GetValue<string>();
                }
                else
                {
                    errors.Add($"secrets.{field}", "Must be text (empty or *** keeps the stored value, null clears it).");
                }
            }
        }
        else if (body["secrets"] is not null)
        {
            errors.Add("secrets", "Must be an object of the type's secret fields.");
        }
        if (errors.Any)
        {
            var problems = errors.ToDictionary();
            throw new DeskProblemException(ProblemKind.Invalid, "Invalid connection",
                string.Join("; ", problems.Select(p => $"{p.Key}: {string.Join(" ", p.Value)}")), problems);
        }
        return new ConnectionInput(givenName!, givenType!, body["config"] as JsonObject, secrets);
    }

    private static string? Text(JsonObject body, string field, ValidationErrors errors)
    {
        if (body[field] is null)
        {
            return null;
        }
        if (body[field] is JsonValue value && value.GetValueKind() == System.Text.Json.JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } text)
        {
            return text;
        }
        errors.Add(field, "Must be non-empty text.");
        return null;
    }
}
