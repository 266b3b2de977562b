using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>
/// Telegram's Bot API. The bot token is part of every URL (<c>/bot&lt;token&gt;/METHOD</c>), so it is part of the base URL
/// <c>http.request</c> joins to: a step calls <c>sendMessage</c>, and the run masks the token wherever the URL shows.
/// </summary>
public sealed class TelegramConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "telegram",
    Label = "Telegram bot",
    Description = "Telegram's Bot API with a bot token from @BotFather; steps call methods such as sendMessage.",
    DocsUrl = "https://core.telegram.org/bots/api#authorizing-your-bot",
    TestDescription = "GET /bot<token>/getMe: says which bot the token belongs to.",
    DefaultBaseUrl = "https://api.telegram.org",
    Fields = [new ConnectionField(TokenField, "Bot token", ConnectionFieldKind.Secret) { Required = true, Placeholder = "123456:ABC-DEF…" }],
    Test = new HttpTestCall("GET", "/getMe")
    {
        Refusal = a => a.Object?["ok"]?.GetValueKind() == System.Text.Json.JsonValueKind.True ? null : a.Error(),
        Describe = a => $"Signed in as the bot @{a.Object?["result"]?["username"].TextOrNull() ?? "(unnamed)"}.",
    },
})
{
    private const string TokenField = "botToken";

    public override HttpAccess AccessOf(ConnectionSettings settings)
    {
        var access = base.AccessOf(settings);
        return access with { BaseUrl = access.BaseUrl is { } url ? $"{url.TrimEnd('/')}/bot{settings.Secret(TokenField)}" : null };
    }
}
