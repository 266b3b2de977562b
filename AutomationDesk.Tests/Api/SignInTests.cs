using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;

namespace AutomationDesk.Tests.Api;

/// <summary>The sign-in form tells an outsider nothing about which emails exist, and guessing cannot lock a person out.</summary>
[Collection(FrontDoorCollection.Name)]
public sealed partial class SignInTests(FrontDoorDesk front)
{
    private DeskApp Desk => front.Desk;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"[^\"]+\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("Component-State:.*?-->")]
    private static partial Regex PersistedState();

    private static async Task<(HttpStatusCode Status, string Headers, string Body)> AnswerAsync(DeskApp desk, string email, string password)
    {
        using var browser = SignInForm.Browser(desk);
        using var response = await SignInForm.SubmitAsync(browser, email, password);
        var body = await response.Content.ReadAsStringAsync();
        // The form echoes what was typed, and each page has a fresh antiforgery token and freshly encrypted component
        // state (which carries that token): none of them tells anything.
        body = AntiforgeryField().Replace(body.Replace(email, "EMAIL", StringComparison.Ordinal), "TOKEN");
        body = PersistedState().Replace(body, "STATE");
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key != "Date")
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}")
            .Order(StringComparer.Ordinal));
        return (response.StatusCode, headers, body);
    }

    [Fact]
    public async Task An_unknown_email_and_a_wrong_password_get_the_same_answer()
    {
        var unknown = await AnswerAsync(Desk, $"nobody-{Guid.NewGuid():N}@front.test", "Some-Password-1");
        var wrong = await AnswerAsync(Desk, DeskApp.AdminEmail, "Some-Password-1");

        Assert.Equal(HttpStatusCode.OK, wrong.Status);
        Assert.Contains("Wrong email or password.", wrong.Body, StringComparison.Ordinal);
        Assert.Equal(wrong.Status, unknown.Status);
        Assert.Equal(wrong.Headers, unknown.Headers);
        Assert.True(wrong.Body == unknown.Body, $"The pages differ at {FirstDifference(wrong.Body, unknown.Body)}");
    }

    private static string FirstDifference(string one, string other)
    {
        var at = one.Zip(other).TakeWhile(pair => pair.First == pair.Second).Count();
        return $"character {at}: '{one[Math.Max(0, at - 40)..Math.Min(one.Length, at + 40)]}' and '{other[Math.Max(0, at - 40)..Math.Min(other.Length, at + 40)]}'";
    }

    [Fact]
    public async Task An_unknown_email_costs_as_much_work_as_a_wrong_password()
    {
        // Warm both paths, then time a few of each: an unknown email that skipped the password hash would take a few
        // per cent of a wrong password's time.
        await AnswerAsync(Desk, "warm-up@front.test", "x");
        await AnswerAsync(Desk, DeskApp.AdminEmail, "x");
        var unknown = new List<double>();
        var wrong = new List<double>();
        for (var round = 0; round < 5; round++)
        {
            unknown.Add(await TimeAsync($"nobody-{round}@front.test"));
            wrong.Add(await TimeAsync(DeskApp.AdminEmail));
        }

        Assert.True(Median(unknown) > Median(wrong) * 0.4, $"Unknown email {Median(unknown):F1} ms, wrong password {Median(wrong):F1} ms.");
    }

    private async Task<double> TimeAsync(string email)
    {
        using var browser = SignInForm.Browser(Desk);
        var token = await SignInForm.OpenAsync(browser);
        var clock = Stopwatch.StartNew();
        using var response = await SignInForm.PostAsync(browser, token, email, "Wrong-Password-1");
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    [Fact]
    public async Task Fifty_wrong_passwords_from_other_addresses_do_not_stop_the_admin_signing_in()
    {
        var (_, email) = await SignInForm.CreateUserAsync(Desk, "Admin");
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var outsider = SignInForm.Browser(Desk);
            using var wrong = await SignInForm.SubmitAsync(outsider, email, $"guess-{attempt}");
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }

        using var admin = SignInForm.Browser(Desk);
        using var signIn = await SignInForm.SubmitAsync(admin, email, SignInForm.Password);

        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
    }
}
