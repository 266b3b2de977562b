using AutomationDesk.Core;
using AutomationDesk.Core.Workflows;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AutomationDesk.Web.Api;

/// <summary>Turns the refusals Core throws into RFC 9457 problem bodies with the matching status.</summary>
public sealed class DeskExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        ProblemDetails? problem = exception switch
        {
            WorkflowValidationException e => new HttpValidationProblemDetails(e.Errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The workflow definition is not valid",
                Detail = string.Join(" ", e.Errors.Select(p => $"{p.Key}: {string.Join(" ", p.Value)}")),
            },
            DeskProblemException { Errors: { } errors } e => new HttpValidationProblemDetails(errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = e.Title,
                Detail = e.Message,
            },
            DeskProblemException e => new ProblemDetails
            {
                Status = e.Kind switch
                {
                    ProblemKind.NotFound => StatusCodes.Status404NotFound,
                    ProblemKind.Conflict => StatusCodes.Status409Conflict,
                    ProblemKind.Forbidden => StatusCodes.Status403Forbidden,
                    _ => StatusCodes.Status400BadRequest,
                },
                Title = e.Title,
                Detail = e.Message,
            },
            BadHttpRequestException e => new ProblemDetails
            {
                Status = e.StatusCode,
                Title = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                // The binder's own words ("Failed to read parameter ...") do not say what is wrong with the JSON; the parser's do.
                Detail = e.InnerException is System.Text.Json.JsonException json ? $"{e.Message} {json.Message}" : e.Message,
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}
