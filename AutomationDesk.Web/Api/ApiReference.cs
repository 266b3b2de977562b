using Scalar.AspNetCore;

namespace AutomationDesk.Web.Api;

/// <summary>
/// The API reference at <c>/api/reference</c> (Scalar over <c>/openapi/v1.json</c>). A self-hosted desk may have no way
/// out, and its people should not be sent elsewhere: the page loads only the script the Scalar package serves from the
/// desk, no web fonts, no telemetry, no AI agent or MCP offer and no link to Scalar's hosted client; "try it" sends the
/// <c>X-Api-Key</c> header the document declares (<see cref="ApiKeySecurityScheme"/>).
/// </summary>
public static class ApiReference
{
    public const string Path = "/api/reference";

    /// <summary>Hides the sidebar's "Powered by Scalar" and any other link to scalar.com the script draws.</summary>
    private const string NoOutsideLinks = """a[href*="scalar.com"] { display: none !important; }""";

    public static IEndpointConventionBuilder MapDeskApiReference(this IEndpointRouteBuilder app) =>
        app.MapScalarApiReference(Path, options => options
                .WithTitle("AutomationDesk API")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideClientButton()
                .HideDeveloperTools()
                .WithCustomCss(NoOutsideLinks)
                .AddPreferredSecuritySchemes([ApiKeySecurityScheme.Id]))
            .AllowAnonymous();
}
