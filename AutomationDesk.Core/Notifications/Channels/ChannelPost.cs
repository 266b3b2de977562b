using System.Net.Http.Headers;
using System.Text;
using AutomationDesk.Core.Steps;

namespace AutomationDesk.Core.Notifications.Channels;

/// <summary>
/// The one way channels post to a URL: through the guarded client of steps (a person's URL must not reach the desk's
/// own network unless an administrator allowed it), no redirects, and the answer sorted into sent, try again or give up.
/// </summary>
public sealed class ChannelPost(IHttpClientFactory clients, TimeProvider time)
{
    private const int ErrorBodyChars = 200;

    public async Task PostJsonAsync(string service, string url, string json, IReadOnlyDictionary<string, string>? headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpStepClient.ChannelsClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException e) when (NetworkGuard.IsRefusal(e))
        {
            throw new ChannelSendException(e.Message, transient: false);
        }
        catch (HttpRequestException e)
        {
            throw new ChannelSendException($"Could not reach {service} at {HostOf(url)}: {e.Message}", transient: true);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return;
            }
            var status = (int)response.StatusCode;
            var body = await ExcerptAsync(response, ct);
            var said = $"{service} answered {status} {response.ReasonPhrase}{(body.Length > 0 ? $": {body}" : "")}";
            if (status is 408 or 429 || status >= 500)
            {
                throw new ChannelSendException(said, transient: true, RetryAfterOf(response, time.GetUtcNow()));
            }
            throw new ChannelSendException(status is >= 300 and < 400
                ? $"{service} answered a redirect ({status}); give the final URL of the webhook."
                : said + (status is 404 or 410 ? " — the webhook URL is wrong or was removed." : ""), transient: false);
        }
    }

    /// <summary>What may be shown of a URL: its scheme, host and port; the path and query can hold the credential.</summary>
    public static string HostOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : "the URL";

    private static TimeSpan? RetryAfterOf(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = (await response.Content.ReadAsStringAsync(ct)).Trim();
            return text.Length > ErrorBodyChars ? text[..ErrorBodyChars] + "…" : text;
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }
}
