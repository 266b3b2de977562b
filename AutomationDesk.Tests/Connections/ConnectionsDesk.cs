using AutomationDesk.Core.Connections;
using AutomationDesk.Core.Steps;
using System.Text.Json.Nodes;
using AutomationDesk.Tests.Api;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Connections;

/// <summary>
/// A desk of its own for the connection tests (readiness counts every connection, so other tests' connections must not
/// be in it), with the test-only <see cref="LoopbackConnectionType"/> and the service it checks.
/// </summary>
public sealed class ConnectionsDesk : IAsyncLifetime
{
    public DeskApp App { get; } = new(builder => builder.ConfigureTestServices(services =>
    {
        services.AddSingleton<ConnectionType, LoopbackConnectionType>();
        services.AddSingleton<IStep, LoopbackCheckStep>();
    }));

    public LoopbackServer Service { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Service = await LoopbackConnectionType.StartServiceAsync();
        await ((IAsyncLifetime)App).InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await ((IAsyncLifetime)App).DisposeAsync();
        await Service.DisposeAsync();
    }

    /// <summary>A connection name no other test uses.</summary>
    public static string UniqueName(string what) => $"{what}-{Guid.NewGuid():N}";

    /// <summary>The body of a loopback connection to the test service with this token.</summary>
    public JsonObject Body(string name, string token = LoopbackConnectionType.GoodToken) => new()
    {
        ["name"] = name,
        ["type"] = LoopbackConnectionType.TypeName,
        ["config"] = new JsonObject { ["url"] = Service.BaseAddress.ToString().TrimEnd('/'), ["auth"] = "token" },
        ["secrets"] = new JsonObject { ["token"] = token },
    };

    public async Task<JsonObject> CreateAsync(string name, string token = LoopbackConnectionType.GoodToken)
    {
        using var response = await App.Admin.PostTextAsync("/api/v1/connections", Body(name, token).ToJsonString());
        return await response.JsonAsync(System.Net.HttpStatusCode.Created);
    }
}

[CollectionDefinition(Name)]
public sealed class ConnectionsDeskCollection : ICollectionFixture<ConnectionsDesk>
{
    public const string Name = "Connections desk";
}
