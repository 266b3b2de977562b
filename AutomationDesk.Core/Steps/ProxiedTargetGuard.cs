using System.Net;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// When a request goes through a proxy (HTTP_PROXY, HTTPS_PROXY), the socket connects to the proxy, so the guard in the
/// connect callback sees only the proxy's address. This checks the request's own host as well, before every request and
/// every redirect hop, so a proxy cannot carry a step to an internal address the guard refuses.
/// </summary>
public sealed class ProxiedTargetGuard(IOptionsMonitor<HttpStepOptions> options, string optionsName, IWebProxy? proxy) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { IsAbsoluteUri: true } target && proxy is not null && !proxy.IsBypassed(target) && proxy.GetProxy(target) is not null)
        {
            await NetworkGuard.AllowedAddressesAsync(target.IdnHost, target.Port, target.Scheme, options.Get(optionsName), cancellationToken, NetworkGuard.IsTrusted(request, target.IdnHost, target.Port));
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
