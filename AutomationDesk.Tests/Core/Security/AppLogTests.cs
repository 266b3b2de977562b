using System.Collections.Concurrent;
using AutomationDesk.Core;
using AutomationDesk.Core.Steps;
using AutomationDesk.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutomationDesk.Tests.Core.Security;

/// <summary>The app log (every logger provider the host has) does not get a secret that sits in a URL the desk calls.</summary>
public sealed class AppLogTests
{
    private const string Value = "url-path-secret-4711";

    [Fact]
    public async Task A_secret_in_a_called_URL_path_does_not_reach_the_app_log()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/hook/{token}", (string token) => Results.Ok()));
        var captured = new CapturedLogs();
        var folder = Path.Combine(Path.GetTempPath(), "desk-log-" + Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Desk"] = $"Data Source={Path.Combine(folder, "desk.db")}",
            ["Http:AllowPrivateNetworks"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(captured));
        services.AddDeskCore(configuration);
        await using var provider = services.BuildServiceProvider();

        using var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpRequestStep.ClientName);
        using var response = await client.GetAsync(new Uri(server.Url("/hook/" + Value)));
        provider.GetRequiredService<ILoggerFactory>().CreateLogger("Probe").LogInformation("The log is captured");

        Assert.True(response.IsSuccessStatusCode);
        Assert.Contains(captured.Lines, l => l.Contains("The log is captured", StringComparison.Ordinal));
        Assert.DoesNotContain(captured.Lines, l => l.Contains(Value, StringComparison.Ordinal));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category}: {formatter(state, exception)}");
        }
    }
}
