using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AutomationDesk.Web.Api;

public static class HealthEndpoints
{
    /// <summary><c>/health</c>: the process answers. <c>/health/ready</c>: the database and the job server too.</summary>
    public static IEndpointRouteBuilder MapDeskHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteAsync }).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Statuses for everyone (a load balancer probes without signing in); descriptions and data, which name the hosts
    /// the desk calls, only for a signed-in caller.
    /// </summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var detailed = context.User.Identity?.IsAuthenticated == true;
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => detailed
                ? (object)new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }
                : new { status = e.Value.Status.ToString() }),
        }, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
