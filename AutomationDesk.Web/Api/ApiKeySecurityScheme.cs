using AutomationDesk.Web.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AutomationDesk.Web.Api;

/// <summary>
/// Declares the <c>X-Api-Key</c> header in the OpenAPI document and asks for it on every operation that needs a
/// signed-in caller, so the reference's "try it" sends the key. Anonymous endpoints (the webhook receivers) ask for none.
/// </summary>
public sealed class ApiKeySecurityScheme : IOpenApiOperationTransformer
{
    public const string Id = "ApiKey";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any() || context.Document is not { } document)
        {
            return Task.CompletedTask;
        }
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes.TryAdd(Id, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key (Admin › API keys). It acts with the role of the user it belongs to.",
        });
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Id, document)] = [] });
        return Task.CompletedTask;
    }
}
