using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using AutomationDesk.Tests.Components.Runs;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The "for each item of an API list" template, used as a person would: instantiated, its <c>shop</c> connection
/// pointed at a loopback shop API with a token, then run. The parent lists the open orders and its <c>foreach</c> runs
/// the template's own sub-workflow once per order.
/// </summary>
public sealed class ForeachTemplateRunTests : IAsyncLifetime
{
    private const string Token = "shop-token-0123456";
    private static readonly string[] Orders = ["o1", "o2", "o3", "o4", "o5"];
    private DeskApp Desk { get; } = new();
    private LoopbackServer _shop = null!;
    private readonly ConcurrentQueue<string> _fulfilled = new();
    private readonly ConcurrentQueue<string> _authorizations = new();

    public async Task InitializeAsync()
    {
        await ((IAsyncLifetime)Desk).InitializeAsync();
        _shop = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/api/orders", (HttpContext context) =>
            {
                _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
                return context.Request.Query["status"] == "open"
                    ? Results.Json(new { orders = Orders.Select(id => new { id }) })
                    : Results.BadRequest("status=open expected");
            });
            app.MapPost("/api/orders/{id}/fulfil", (string id, HttpContext context) =>
            {
                _authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
                _fulfilled.Enqueue(id);
                return Results.Json(new { fulfilled = id });
            });
        });
    }

    public async Task DisposeAsync()
    {
        await _shop.DisposeAsync();
        await ((IAsyncLifetime)Desk).DisposeAsync();
    }

    [Fact]
    public async Task Every_open_order_is_fulfilled_once_by_its_own_sub_workflow_run_once_the_shop_connection_is_filled_in()
    {
        using var used = await Desk.Admin.PostAsync(new Uri("/api/v1/templates/foreach-orders-sub-workflow/instantiate", UriKind.Relative), null);
        var instance = await used.JsonAsync(HttpStatusCode.Created);
        var parentId = Guid.Parse((string)instance["mainWorkflowId"]!);
        using var filled = await Desk.Admin.PutAsJsonAsync("/api/v1/connections/shop", new
        {
            config = new { baseUrl = _shop.Url("/api"), auth = "bearer", allowPrivateNetwork = true },
            secrets = new { token = Token },
        });
        Assert.True(filled.IsSuccessStatusCode, await filled.Content.ReadAsStringAsync());

        var executionId = await RunsApi.StartAsync(Desk.Editor, parentId, new System.Text.Json.Nodes.JsonObject());
        var run = await RunsApi.WaitForStatusAsync(Desk.Viewer, executionId, "Succeeded", "Failed");

        Assert.True((string)run["status"]! == "Succeeded", run.ToJsonString());
        var each = run["steps"]!.AsArray().Single(s => (string)s!["stepId"]! == "each")!["output"]!;
        Assert.True((int)each["failed"]! == 0, $"Item runs failed: {each.ToJsonString()}");
        Assert.Equal((Orders.Length, Orders.Length), ((int)each["count"]!, (int)each["succeeded"]!));
        Assert.Equal(Orders, _fulfilled.Order(StringComparer.Ordinal));
        Assert.All(_authorizations, header => Assert.Equal($"Bearer {Token}", header));
        var records = await Desk.Viewer.GetPageAsync("/api/v1/collections/fulfilled/records");
        Assert.Equal(Orders, records.Select(r => (string)r!["data"]!["order"]!).Order(StringComparer.Ordinal));
    }
}
