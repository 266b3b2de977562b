using System.Text.Json.Nodes;
using AutomationDesk.Core.Security;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Security;

/// <summary>What steps write themselves (records, notifications) holds the run's secrets masked.</summary>
public sealed class StepMaskingTests : IAsyncLifetime
{
    private const string Value = "hunter2-sky/blue";
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static StepContext Context() => new(Guid.CreateVersion7(), Guid.CreateVersion7(), "step", 1) { Masker = new SecretMasker([Value]) };

    [Fact]
    public async Task A_record_is_stored_with_the_secret_masked_and_its_output_still_has_the_id()
    {
        var config = new RecordCreateConfig { Collection = "leads", Data = new JsonObject { ["token"] = Value, ["note"] = $"key={Uri.EscapeDataString(Value)}", ["n"] = 1 } };

        var result = await _desk.Get<RecordCreateStep>().ExecuteAsync(config, Context(), CancellationToken.None);

        await using var db = _desk.NewDb();
        var stored = await db.Records.AsNoTracking().SingleAsync();
        Assert.Equal("""{"token":"***","note":"key=***","n":1}""", stored.DataJson);
        Assert.Equal(stored.Id, result.Output!["id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task A_notification_is_stored_with_the_secret_masked_in_title_and_message()
    {
        var config = new NotificationSendConfig { Title = $"Token {Value} used", Message = $"Called https://x.test/{Value}" };

        await _desk.Get<NotificationSendStep>().ExecuteAsync(config, Context(), CancellationToken.None);

        await using var db = _desk.NewDb();
        var stored = await db.Notifications.AsNoTracking().SingleAsync();
        Assert.Equal("Token *** used", stored.Title);
        Assert.Equal("Called https://x.test/***", stored.Message);
    }

    [Fact]
    public void Masking_a_step_output_with_ids_and_times_does_not_throw()
    {
        var output = new JsonObject { ["id"] = Guid.CreateVersion7(), ["createdAt"] = CoreDesk.Epoch, ["data"] = new JsonObject { ["token"] = Value } };

        var masked = new SecretMasker([Value]).Apply(output)!;

        Assert.Equal("***", masked["data"]!["token"]!.GetValue<string>());
        Assert.Equal(CoreDesk.Epoch, masked["createdAt"]!.GetValue<DateTimeOffset>());
    }
}
