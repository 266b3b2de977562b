using System.Text.Json.Nodes;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Connections;
using AutomationDesk.Tests.Support;

namespace AutomationDesk.Tests.Core.Connections;

/// <summary>Creates <c>smtp</c> and <c>imap</c> connections in a test desk, pointing at loopback servers.</summary>
public static class MailConnections
{
    public static readonly Actor Admin = Actor.User("admin@desk.test");

    public static JsonObject Server(int port, string security = MailServer.None, string? userName = null, bool acceptInvalid = false, bool allowPrivate = true)
    {
        var config = new JsonObject { ["host"] = "127.0.0.1", ["port"] = port, ["security"] = security };
        if (userName is not null)
        {
            config["userName"] = userName;
        }
        if (acceptInvalid)
        {
            config[MailServer.AcceptInvalidCertificates] = true;
        }
        if (allowPrivate)
        {
            config[ConnectionSettings.AllowPrivateNetworkField] = true;
        }
        return config;
    }

    public static async Task CreateAsync(this CoreDesk desk, string name, string type, JsonObject config, string? password = null)
    {
        var secrets = password is null ? null : new Dictionary<string, string?> { ["password"] = password };
        await desk.Get<ConnectionStore>().CreateAsync(new ConnectionInput(name, type, config, secrets), Admin, CancellationToken.None);
    }

    public static async Task<ConnectionTestResult> TestAsync(this CoreDesk desk, string name) =>
        (await desk.Get<ConnectionTester>().TestAsync(name, CancellationToken.None))!;
}
