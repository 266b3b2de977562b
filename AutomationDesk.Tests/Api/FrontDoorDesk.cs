using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AutomationDesk.Tests.Api;

/// <summary>
/// A desk of its own for the front-door tests: low rate limits (3 a minute) so a test can pass them, and a test-only
/// header that sets the client address the desk sees, so each test (and each simulated outsider) has its own.
/// </summary>
public sealed class FrontDoorDesk : IAsyncLifetime
{
    public const string AddressHeader = "X-Test-Client-Address";
    public const int Limit = 3;

    /// <summary>An origin the desk is told to take besides its own (as behind a proxy that renames the host).</summary>
    public const string AllowedOrigin = "https://desk.example.com";

    private static int s_lastAddress;

    public DeskApp Desk { get; } = new(builder =>
    {
        builder.UseSetting("RateLimits:SignInPerMinute", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:WebhooksPerMinute", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Security:AllowedOrigins:0", AllowedOrigin);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>());
    });

    /// <summary>A client address no other test uses.</summary>
    public static string NewAddress()
    {
        var n = Interlocked.Increment(ref s_lastAddress);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    public Task InitializeAsync() => ((IAsyncLifetime)Desk).InitializeAsync();

    public Task DisposeAsync() => ((IAsyncLifetime)Desk).DisposeAsync();

    /// <summary>First in the pipeline: the connection's remote address becomes the one the test named.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }
                return then(context);
            });
            next(app);
        };
    }
}

[CollectionDefinition(Name)]
public sealed class FrontDoorCollection : ICollectionFixture<FrontDoorDesk>
{
    public const string Name = "Desk front door";
}
