using Microsoft.AspNetCore.Http.HttpResults;

namespace AutomationDesk.Web.Api;

/// <summary>Problem answers that say what was not found.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, object id) =>
        TypedResults.Problem(title: $"{Capital(what)} not found", detail: $"There is no {what} {id}.", statusCode: StatusCodes.Status404NotFound);

    private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
