using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace AutomationDesk.Web.Jobs;

/// <summary>
/// Hangfire's logging through the host's logger factory. Hangfire keeps its log provider process-wide and asks it for
/// loggers long after start-up; when another host in the same process (tests, the benchmark) set it and has since
/// been disposed, this answers with a silent logger instead of failing the job being created.
/// </summary>
internal sealed class HangfireLogs(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _host = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _host.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return Silent.Instance;
        }
    }

    private sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
