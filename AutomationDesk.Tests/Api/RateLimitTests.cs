using System.Net;
using System.Text;

namespace AutomationDesk.Tests.Api;

/// <summary>The sign-in form and the webhook receivers are rate-limited per client address: 429 with Retry-After, other addresses unaffected.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed class RateLimitTests(FrontDoorDesk front)
{
    private DeskApp Desk => front.Desk;

    [Fact]
    public async Task Sign_in_over_the_limit_answers_429_with_retry_after_and_another_address_is_not_affected()
    {
        using var outsider = SignInForm.Browser(Desk);
        for (var attempt = 0; attempt < FrontDoorDesk.Limit; attempt++)
        {
            using var wrong = await SignInForm.SubmitAsync(outsider, DeskApp.AdminEmail, "guess-" + attempt);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var throttled = await SignInForm.SubmitAsync(outsider, DeskApp.AdminEmail, DeskApp.AdminPassword);

        var problem = await throttled.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("sign-in attempts", (string)problem["detail"]!, StringComparison.Ordinal);
        var retryAfter = int.Parse(Assert.Single(throttled.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);

        using var admin = SignInForm.Browser(Desk);
        using var signedIn = await SignInForm.SubmitAsync(admin, DeskApp.AdminEmail, DeskApp.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task A_person_over_the_sign_in_limit_gets_a_page_that_says_when_to_try_again()
    {
        using var person = SignInForm.Browser(Desk);
        person.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        for (var attempt = 0; attempt < FrontDoorDesk.Limit; attempt++)
        {
            using var wrong = await SignInForm.SubmitAsync(person, DeskApp.AdminEmail, "guess-" + attempt);
        }

        using var throttled = await SignInForm.SubmitAsync(person, DeskApp.AdminEmail, DeskApp.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("text/html", throttled.Content.Headers.ContentType?.MediaType);
        var page = await throttled.Content.ReadAsStringAsync();
        Assert.Contains("Too many sign-in attempts from your address: try again in", page, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/login\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_receivers_over_the_limit_answer_429_and_another_address_is_not_affected()
    {
        var path = $"/api/webhooks/{Guid.CreateVersion7()}/no-such-token";
        using var sender = Desk.Anonymous();
        sender.DefaultRequestHeaders.Add(FrontDoorDesk.AddressHeader, FrontDoorDesk.NewAddress());
        for (var request = 0; request < FrontDoorDesk.Limit; request++)
        {
            using var unknown = await sender.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        using var throttled = await sender.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));

        await throttled.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.True(throttled.Headers.Contains("Retry-After"));

        using var other = Desk.Anonymous();
        other.DefaultRequestHeaders.Add(FrontDoorDesk.AddressHeader, FrontDoorDesk.NewAddress());
        using var notThrottled = await other.PostAsync(path, new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, notThrottled.StatusCode);
    }

    [Fact]
    public async Task A_forwarded_for_header_does_not_give_a_fresh_address()
    {
        using var outsider = SignInForm.Browser(Desk);
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt <= FrontDoorDesk.Limit; attempt++)
        {
            outsider.DefaultRequestHeaders.Remove("X-Forwarded-For");
            outsider.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{attempt + 1}");
            using var wrong = await SignInForm.SubmitAsync(outsider, DeskApp.AdminEmail, "guess-" + attempt);
            answers.Add(wrong.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
    }
}
