using System.Net.Http.Headers;
using System.Text;

namespace AutomationDesk.Core.Steps;

/// <summary>A request body as configured: its text and the media type it is sent as.</summary>
public sealed record OutgoingBody(string Text, MediaTypeHeaderValue MediaType);

/// <summary>
/// One hop of an <c>http.request</c> call: the first to the configured URL, then one for each redirect followed. Every
/// hop is a new message (a sent message cannot be sent again). The step's own headers (<see cref="Headers"/>: tokens,
/// keys, anything configured) go only to the origin the step was set to call (<see cref="Origin"/>: scheme, host and
/// port), so a redirect cannot hand them to another host. The idempotency key, which is no secret, goes on every hop.
/// </summary>
public sealed record OutgoingRequest(
    HttpMethod Method, Uri Uri, Uri Origin, OutgoingBody? Body, IReadOnlyList<KeyValuePair<string, string>> Headers, string? IdempotencyKey)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The redirect statuses that are followed; 300 and 304 are answers, not redirects.</summary>
    private static readonly int[] RedirectStatuses = [301, 302, 303, 307, 308];

    public bool IsSameOrigin => Uri.Compare(Uri, Origin, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The message for this hop.</summary>
    /// <exception cref="StepFailedException">A header that may not be sent (see <see cref="OutgoingHeaders"/>).</exception>
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Uri);
        if (Body is { } body)
        {
            message.Content = new StringContent(body.Text, Encoding.UTF8);
            message.Content.Headers.ContentType = body.MediaType;
        }
        if (IsSameOrigin)
        {
            foreach (var (name, value) in Headers)
            {
                OutgoingHeaders.Add(message, name, value);
            }
        }
        if (IdempotencyKey is { } key && !message.Headers.Contains(IdempotencyHeader))
        {
            message.Headers.TryAddWithoutValidation(IdempotencyHeader, key);
        }
        return message;
    }

    /// <summary>
    /// The next hop when <paramref name="response"/> redirects, or null when it is the answer. As browsers do, a 303
    /// (and a 301 or 302 after a POST) is followed with a GET without the body; a 307 or 308 repeats the method and body.
    /// </summary>
    /// <exception cref="StepFailedException">A redirect to a scheme other than http or https, or from https to http.</exception>
    public OutgoingRequest? Redirected(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (!RedirectStatuses.Contains(status) || response.Headers.Location is not { } location)
        {
            return null;
        }
        var next = location.IsAbsoluteUri ? location : new Uri(Uri, location);
        if (next.Scheme is not ("http" or "https") || (Uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp))
        {
            throw new StepFailedException(
                $"{Method} {Uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)} redirected to a {next.Scheme} address; the desk follows redirects to http and https only, and never from https to http.");
        }
        var asGet = (status == 303 && Method != HttpMethod.Head) || (status is 301 or 302 && Method == HttpMethod.Post);
        return this with { Uri = next, Method = asGet ? HttpMethod.Get : Method, Body = asGet ? null : Body };
    }
}
