using System.Diagnostics.Metrics;
using AutomationDesk.Core.Telemetry;
using AutomationDesk.Web.Security;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AutomationDesk.Web;

/// <summary>
/// Metrics and traces through OpenTelemetry: the desk's own meter, ASP.NET Core's, HttpClient's and the runtime's,
/// served at <c>/metrics</c> in Prometheus text; and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, metrics and
/// one trace per run sent over OTLP (the exporter reads the standard <c>OTEL_*</c> variables itself).
/// </summary>
public static class DeskTelemetry
{
    public const string MetricsPath = "/metrics";
    public const string AllowAnonymousKey = "Metrics:AllowAnonymous";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddDeskTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointKey]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                configuration["OTEL_SERVICE_NAME"] ?? "automationdesk", serviceInstanceId: configuration["Engine:NodeName"]))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(DeskMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    // Every scrape is counted afresh: Prometheus asks every few seconds, and a cached answer would hide a run.
                    .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0);
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        // Meters live process-wide, and a second host in the same process (tests, the benchmark) creates its own under the
        // same names: this host reports the meters its own factory made, and the process-wide ones (the runtime's).
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) =>
        {
            var own = sp.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument => instrument.Meter.Scope is IMeterFactory scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
        });
        if (otlp)
        {
            // Traces cost something per request: they are collected only when there is somewhere to send them.
            telemetry.WithTracing(tracing => tracing
                .AddSource(RunTraces.SourceName)
                // Secrets travel in paths: a webhook receiver's token, a Slack or Discord hook URL, an API that takes its
                // key in the path. A span names the receiver's path no further than /api/webhooks/…, and an outgoing
                // request by its scheme and host only.
                .AddAspNetCoreInstrumentation(options => options.EnrichWithHttpRequest = (activity, request) =>
                {
                    if (request.Path.StartsWithSegments("/api/webhooks"))
                    {
                        activity.SetTag("url.path", "/api/webhooks/…");
                    }
                })
                .AddHttpClientInstrumentation(options => options.EnrichWithHttpRequestMessage = (activity, request) =>
                {
                    if (request.RequestUri is { IsAbsoluteUri: true } uri)
                    {
                        activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}/…");
                    }
                })
                .AddOtlpExporter());
        }
        return services;
    }

    /// <summary><c>/metrics</c>, for any signed-in user or API key (Viewer and up), or for anyone when <c>Metrics:AllowAnonymous=true</c>.</summary>
    public static IEndpointConventionBuilder MapDeskMetrics(this IEndpointRouteBuilder app)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>(AllowAnonymousKey)
            ? endpoint.AllowAnonymous()
            : endpoint.RequireAuthorization(DeskPolicies.Read);
    }
}
