using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Security;

namespace AutomationDesk.Tests.Core.Security;

/// <summary>The forms a URL, an encoding or a non-string JSON value give a secret.</summary>
public sealed class SecretMaskerFormsTests
{
    private const string Value = "Sk9-tr0ub4dor&3x";
    private readonly SecretMasker _masker = new([Value]);

    [Fact]
    public void Guid_time_number_and_bool_values_pass_through_masking_unchanged()
    {
        var id = Guid.CreateVersion7();
        var at = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var node = new JsonObject
        {
            ["id"] = id, ["at"] = at, ["when"] = at.UtcDateTime, ["long"] = 5_000_000_000L, ["double"] = 1.5,
            ["bool"] = true, ["decimal"] = 12.25m, ["char"] = 'c', ["text"] = $"key={Value}",
        };

        var masked = _masker.Apply(node)!;

        Assert.Equal(id, masked["id"]!.GetValue<Guid>());
        Assert.Equal(at, masked["at"]!.GetValue<DateTimeOffset>());
        Assert.Equal(5_000_000_000L, masked["long"]!.GetValue<long>());
        Assert.Equal(12.25m, masked["decimal"]!.GetValue<decimal>());
        Assert.Equal("key=***", masked["text"]!.GetValue<string>());
        Assert.Equal(node.ToJsonString().Replace(Value.Replace("&", "\\u0026", StringComparison.Ordinal), "***", StringComparison.Ordinal), masked.ToJsonString());
    }

    [Fact]
    public void A_Guid_value_that_is_a_secret_is_masked()
    {
        var id = Guid.CreateVersion7();
        var masker = new SecretMasker([id.ToString()]);

        Assert.Equal("""{"id":"***"}""", masker.Apply(new JsonObject { ["id"] = id })!.ToJsonString());
    }

    [Fact]
    public void A_secret_with_one_letter_escaped_is_masked()
    {
        Assert.Equal("https://x.test/hook/***", _masker.Apply("https://x.test/hook/%53k9-tr0ub4dor&3x"));
        Assert.Equal("https://x.test/hook/***", _masker.Apply("https://x.test/hook/Sk9-tr0ub4dor%263x"));
    }

    [Fact]
    public void Every_character_escaped_in_lower_case_hex_is_masked()
    {
        var escaped = string.Concat(Encoding.UTF8.GetBytes(Value).Select(b => "%" + b.ToString("x2", CultureInfo.InvariantCulture)));

        Assert.Equal("/hook/***?a=1", _masker.Apply($"/hook/{escaped}?a=1"));
    }

    [Fact]
    public void A_double_encoded_secret_is_masked()
    {
        var twice = Uri.EscapeDataString("%53" + Value[1..]);

        Assert.Equal("q=***", _masker.Apply("q=" + twice));
        Assert.Equal("q=***", _masker.Apply("q=" + Uri.EscapeDataString(Uri.EscapeDataString(Value))));
    }

    [Fact]
    public void A_secret_with_backslashes_is_masked_after_Uri_turns_them_to_slashes()
    {
        const string value = @"tok\en\1234567";
        var uri = new Uri("https://x.test/hook/" + value);

        Assert.Equal("https://x.test/hook/***", new SecretMasker([value]).Apply(uri.AbsoluteUri));
    }

    [Fact]
    public void What_is_left_of_a_secret_after_Uri_removes_its_dot_segments_is_masked()
    {
        const string value = "head/../tail-of-the-secret";
        var uri = new Uri("https://x.test/hook/" + value);

        Assert.Equal("https://x.test/hook/***", new SecretMasker([value]).Apply(uri.AbsoluteUri));
    }

    [Fact]
    public void A_secret_holding_escapes_is_masked_as_Uri_prints_it()
    {
        const string value = "%41bcdefgh%2Fij";
        var uri = new Uri("https://x.test/p/" + value);

        Assert.Equal("https://x.test/p/***", new SecretMasker([value]).Apply(uri.AbsoluteUri));
    }

    [Theory]
    [InlineData("")]
    [InlineData("u:")]
    [InlineData("us:")]
    public void The_base64_of_a_secret_is_masked_at_any_alignment(string prefix)
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix + Value + "!"));
        var urlSafe = basic.Replace('+', '-').Replace('/', '_');

        Assert.Contains("***", _masker.Apply("Basic " + basic), StringComparison.Ordinal);
        Assert.Contains("***", _masker.Apply(urlSafe), StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_in_JSON_text_with_escaped_slashes_is_masked()
    {
        var masker = new SecretMasker(["path/to/secret-1"]);

        Assert.Equal("""{"p":"***"}""", masker.Apply("""{"p":"path\/to\/secret-1"}"""));
    }

    [Fact]
    public void A_short_secret_set_before_the_rule_is_still_masked()
    {
        var masker = new SecretMasker(["ab"]);

        Assert.Equal("x***y ***", masker.Apply("xaby ab"));
    }

    [Fact]
    public void Text_without_the_secret_keeps_its_escapes()
    {
        Assert.Equal("a%20b%2Fc%zz%", _masker.Apply("a%20b%2Fc%zz%"));
    }
}
