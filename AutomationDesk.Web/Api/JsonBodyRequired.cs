using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Net.Http.Headers;

namespace AutomationDesk.Web.Api;

/// <summary>
/// A request under <c>/api/v1</c> that carries a body must say it is JSON (<c>application/json</c> or a <c>+json</c>
/// type), else 415 with a problem body naming the expected type. A form or plain-text body is what a page on another
/// site can send without asking the browser first; refusing it here, once, means no endpoint can be made to act on one.
/// An endpoint that declares other content types (<c>.Accepts(...)</c>) takes those too. The webhook receivers
/// (<c>/api/webhooks</c>) are outside this and take any content type.
/// </summary>
public sealed class JsonBodyRequired(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api/v1") || !HasBody(request) || IsAccepted(context, request.ContentType))
        {
            return next(context);
        }
        var sent = string.IsNullOrEmpty(request.ContentType) ? "no Content-Type" : $"Content-Type {request.ContentType}";
        return TypedResults.Problem(
            title: "Unsupported media type",
            detail: $"The body was sent with {sent}; this endpoint takes application/json.",
            statusCode: StatusCodes.Status415UnsupportedMediaType).ExecuteAsync(context);
    }

    // Over HTTP/2 and HTTP/3 a body may come with neither Content-Length nor Transfer-Encoding; the server knows.
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0
        || (request.ContentLength is null
            && (request.Headers.TransferEncoding.Count > 0 || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true));

    private static bool IsAccepted(HttpContext context, string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var sent) || sent.MediaType.Value is not { } type)
        {
            return false;
        }
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAcceptsMetadata>()
            .Any(accepts => accepts.ContentTypes.Contains(type, StringComparer.OrdinalIgnoreCase)) == true;
    }
}
