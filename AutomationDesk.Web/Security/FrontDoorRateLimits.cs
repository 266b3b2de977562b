using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Web.Security;

/// <summary>
/// Rate limits per client address on the two doors an outsider can knock on without credentials: the sign-in form and
/// the webhook receivers. Over the limit the answer is 429 with <c>Retry-After</c> (seconds) and a problem body.
/// Everything else is not limited here. Limits are fixed one-minute windows, one per address and door.
/// </summary>
public static class FrontDoorRateLimits
{
    public const string SignInPath = "/account/login";
    public const string WebhooksPath = "/api/webhooks";

    public static IServiceCollection AddFrontDoorRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            var settings = limits.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, settings));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    private static RateLimitPartition<string> Partition(HttpContext context, RateLimitOptions limits)
    {
        var request = context.Request;
        var (door, permits) = request.Path.StartsWithSegments(WebhooksPath) ? ("webhooks", limits.WebhooksPerMinute)
            : HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments(SignInPath) ? ("sign-in", limits.SignInPerMinute)
            : ("", 0);
        if (permits <= 0)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        return RateLimitPartition.GetFixedWindowLimiter($"{door} {ClientAddress.Of(context)}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var what = context.Request.Path.StartsWithSegments(WebhooksPath) ? "webhook requests" : "sign-in attempts";
        if (what == "sign-in attempts" && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            // A person at the sign-in form gets a page that says what happened, not a JSON document.
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync($"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Too many sign-in attempts</title></head>
                <body><p role="alert">Too many sign-in attempts from your address: try again in {seconds} seconds.</p>
                <p><a href="{SignInPath}">Back to sign-in</a></p></body></html>
                """, ct);
            return;
        }
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Too many {what} from your address: try again in {seconds} seconds.",
            },
        });
    }
}
