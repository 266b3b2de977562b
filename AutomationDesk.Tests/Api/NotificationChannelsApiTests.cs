using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Notifications;
using AutomationDesk.Tests.Crash;
using AutomationDesk.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// The channels API: each person's own channels (a fresh person per test, so the shared desk's other notifications
/// do not cross), URLs never returned whole, and deliveries on the notifications list.
/// </summary>
[Collection(DeskAppCollection.Name)]
public sealed class NotificationChannelsApiTests(DeskApp desk) : IAsyncLifetime
{
    private static readonly string[] ErrorsOnly = ["Error"];
    private static readonly string[] WarningsOnly = ["Warning"];

    private ChannelReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await ChannelReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task<HttpClient> PersonAsync(string role = "Viewer") => desk.ClientWithKey(await desk.CreateUserWithKeyAsync(role));

    private static async Task<JsonObject> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/notification-channels", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    [Fact]
    public async Task NotificationChannel_API_returns_the_URL_masked_and_never_whole()
    {
        using var person = await PersonAsync();
        var url = _receiver.Url("masked") + "?token=SecretQueryPart";

        var created = await CreateAsync(person, new { name = "Ops Slack", kind = "slack", url, types = ErrorsOnly, minPriority = "Urgent" });
        using var list = await person.GetAsync("/api/v1/notification-channels");
        var listed = await list.Content.ReadAsStringAsync();

        Assert.Equal("slack", (string)created["kind"]!);
        Assert.Equal(new Uri(url).GetLeftPart(UriPartial.Authority) + "/***", (string)created["target"]!);
        Assert.Equal(["Error"], created["types"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("Urgent", (string)created["minPriority"]!);
        Assert.DoesNotContain("/hooks/masked", created.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("SecretQueryPart", listed, StringComparison.Ordinal);
        Assert.Contains("Ops Slack", listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotificationChannel_of_one_person_is_invisible_to_another()
    {
        using var owner = await PersonAsync("Editor");
        using var other = await PersonAsync("Admin");
        var id = (string)(await CreateAsync(owner, new { name = "Mine", kind = "discord", url = _receiver.Url("mine") }))["id"]!;

        using var list = await other.GetAsync("/api/v1/notification-channels");
        using var get = await other.GetAsync($"/api/v1/notification-channels/{id}");
        using var put = await other.PutAsJsonAsync($"/api/v1/notification-channels/{id}", new { name = "Taken", kind = "discord" });
        using var test = await other.PostAsync($"/api/v1/notification-channels/{id}/test", null);
        using var delete = await other.DeleteAsync($"/api/v1/notification-channels/{id}");

        Assert.Equal("[]", await list.Content.ReadAsStringAsync());
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            [get.StatusCode, put.StatusCode, test.StatusCode, delete.StatusCode]);
        Assert.Empty(_receiver.Requests);
        using var mine = await owner.GetAsync($"/api/v1/notification-channels/{id}");
        Assert.Equal("Mine", (string)JsonNode.Parse(await mine.Content.ReadAsStringAsync())!["name"]!);
    }

    [Fact]
    public async Task NotificationChannel_validation_errors_name_the_field()
    {
        using var person = await PersonAsync();

        using var response = await person.PostAsJsonAsync("/api/v1/notification-channels", new { name = "Mail", kind = "email", address = "nobody" });
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("email address", (string)problem["errors"]!["address"]![0]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotificationChannel_update_test_and_delete_through_the_API()
    {
        using var person = await PersonAsync();
        var id = (string)(await CreateAsync(person, new { name = "Hook", kind = "webhook", url = _receiver.Url("api-hook") }))["id"]!;

        using var put = await person.PutAsJsonAsync($"/api/v1/notification-channels/{id}", new { name = "Hook", kind = "webhook", enabled = false, signingSecret = "sixteen-or-more-chars" });
        var changed = JsonNode.Parse(await put.Content.ReadAsStringAsync())!;
        using var test = await person.PostAsync($"/api/v1/notification-channels/{id}/test", null);
        var result = JsonNode.Parse(await test.Content.ReadAsStringAsync())!;
        using var delete = await person.DeleteAsync($"/api/v1/notification-channels/{id}");
        using var gone = await person.GetAsync($"/api/v1/notification-channels/{id}");

        Assert.Equal((HttpStatusCode.OK, false, true), (put.StatusCode, (bool)changed["enabled"]!, (bool)changed["signingSecretSet"]!));
        Assert.True((bool)result["ok"]!, result.ToJsonString());
        Assert.StartsWith("sha256=", Assert.Single(_receiver.To("api-hook")).Headers["X-Signature-256"], StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (delete.StatusCode, gone.StatusCode));
    }

    [Fact]
    public async Task NotificationChannel_deliveries_show_on_the_owner_s_notifications_only()
    {
        using var owner = await PersonAsync();
        using var other = await PersonAsync();
        var title = Workflows.UniqueName("Channel delivery");
        var channelId = (string)(await CreateAsync(owner, new { name = "Ops hook", kind = "webhook", url = _receiver.Url("delivered"), types = WarningsOnly, minPriority = "Urgent" }))["id"]!;

        var created = await desk.Services.GetRequiredService<NotificationService>().CreateAsync(
            new NewNotification(title, "from the channels test", NotificationType.Warning, NotificationPriority.Urgent), CancellationToken.None);

        JsonNode? mine = null;
        await Poll.UntilAsync(async () =>
        {
            mine = (await owner.GetPageAsync("/api/v1/notifications?pageSize=500", pageSize: 500)).Single(n => (string)n!["id"]! == created.Id.ToString());
            return mine!["deliveries"]!.AsArray().Count == 1 && (string)mine["deliveries"]![0]!["status"]! == "Sent";
        }, TimeSpan.FromSeconds(30), () => $"The delivery was not sent: {mine?.ToJsonString()}");

        var delivery = mine!["deliveries"]![0]!;
        Assert.Equal(("Ops hook", "webhook", 1), ((string)delivery["channel"]!, (string)delivery["kind"]!, (int)delivery["attempts"]!));
        Assert.NotNull(delivery["sentAt"]);
        Assert.Equal(title, (string)Assert.Single(_receiver.To("delivered")).Json["title"]!);
        Assert.Equal(title, (string)mine["title"]!);
        var theirs = (await other.GetPageAsync("/api/v1/notifications?pageSize=500", pageSize: 500)).Single(n => (string)n!["id"]! == created.Id.ToString());
        Assert.Empty(theirs!["deliveries"]!.AsArray());
        using var _ = await owner.DeleteAsync($"/api/v1/notification-channels/{channelId}");
    }
}
