using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Integrations;

/// <summary>The test button of a <c>comfyui</c> connection: <c>GET /system_stats</c> of a fake ComfyUI.</summary>
public sealed class ComfyUiConnectionTests : IAsyncLifetime
{
    private CoreDesk _desk = null!;
    private FakeComfyUiServer _comfy = null!;

    public async Task InitializeAsync()
    {
        _desk = await CoreDesk.StartAsync();
        _comfy = await FakeComfyUiServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _comfy.DisposeAsync();
        await _desk.DisposeAsync();
    }

    private async Task<ConnectionTestResult> TestAsync(string? token = null)
    {
        var name = "comfy-" + Guid.NewGuid().ToString("N")[..8];
        await _desk.Get<ConnectionStore>().CreateAsync(
            new ConnectionInput(name, "comfyui", new JsonObject { ["baseUrl"] = _comfy.BaseUrl }, new Dictionary<string, string?> { ["token"] = token }),
            Actor.System, CancellationToken.None);
        return (await _desk.Get<ConnectionTester>().TestAsync(name, CancellationToken.None))!;
    }

    [Fact]
    public async Task ComfyUi_connection_test_reports_the_version_and_devices_comfyui_answers()
    {
        var result = await TestAsync();

        Assert.True(result.Ok, result.Detail);
        Assert.Equal($"ComfyUI {FakeComfyUiServer.Version} answers; devices: cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync (cuda, 22.0 of 24.0 GiB free).", result.Detail);
    }

    [Fact]
    public async Task ComfyUi_connection_test_behind_a_proxy_sends_the_token_and_names_a_refusal()
    {
        _comfy.Token = "proxy-token";

        var right = await TestAsync("proxy-token");
        var wrong = await TestAsync("old-token");

        Assert.True(right.Ok, right.Detail);
        Assert.False(wrong.Ok);
        Assert.Contains("refused the request (401)", wrong.Detail, StringComparison.Ordinal);
        Assert.Contains("bearer token", wrong.Detail, StringComparison.Ordinal);
    }
}
