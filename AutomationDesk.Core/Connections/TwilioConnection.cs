using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Connections;

/// <summary>Twilio's REST API with the account SID and auth token (basic auth).</summary>
public sealed class TwilioConnection(HttpConnectionClient client) : HttpPresetType(client, new HttpPreset
{
    Name = "twilio",
    Label = "Twilio",
    Description = "Twilio's REST API with your account SID and auth token.",
    DocsUrl = "https://www.twilio.com/docs/usage/requests-to-twilio",
    TestDescription = "GET /2010-04-01/Accounts/{accountSid}.json: reads the account's name and status.",
    DefaultBaseUrl = "https://api.twilio.com",
    Fields =
    [
        new ConnectionField("accountSid", "Account SID") { Required = true, Placeholder = "AC…" },
        new ConnectionField("authToken", "Auth token", ConnectionFieldKind.Secret) { Required = true },
    ],
    Auth = s => new HttpAuth.Basic(s.Text("accountSid") ?? "", s.Secret("authToken") ?? ""),
    Test = new HttpTestCall("GET", "/2010-04-01/Accounts/{accountSid}.json")
    {
        Describe = a => $"Account {a.Object?["friendly_name"].TextOrNull() ?? "(unnamed)"} is {a.Object?["status"].TextOrNull() ?? "reachable"}.",
    },
});
