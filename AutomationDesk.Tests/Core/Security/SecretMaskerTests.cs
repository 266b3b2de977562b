using System.Net;
using System.Text.Json.Nodes;
using AutomationDesk.Core.Security;

namespace AutomationDesk.Tests.Core.Security;

public sealed class SecretMaskerTests
{
    private const string Value = "p@ss word/+=ü";
    private readonly SecretMasker _masker = new([Value]);

    [Fact]
    public void The_clear_value_is_masked_in_text()
    {
        Assert.Equal("token=***;", _masker.Apply($"token={Value};"));
    }

    [Fact]
    public void The_value_escaped_as_URL_data_is_masked()
    {
        Assert.Equal("https://x.test/?key=***&a=1", _masker.Apply($"https://x.test/?key={Uri.EscapeDataString(Value)}&a=1"));
    }

    [Fact]
    public void The_value_form_encoded_is_masked()
    {
        Assert.Equal("key=***", _masker.Apply("key=" + WebUtility.UrlEncode(Value)));
    }

    [Fact]
    public void The_value_as_Uri_escapes_it_inside_a_path_is_masked()
    {
        var uri = new Uri($"https://x.test/hook/{Value}");

        Assert.Equal("https://x.test/hook/***", _masker.Apply(uri.AbsoluteUri));
    }

    [Fact]
    public void A_webhook_URL_secret_is_masked_as_Uri_writes_it_without_its_default_port()
    {
        const string hook = "https://Prod-00.westus.logic.azure.com:443/workflows/5f1/triggers/manual/paths/invoke?api-version=2016-06-01&sig=Xy9-secret-signature";
        var masker = new SecretMasker([hook]);
        var logged = new Uri(hook).GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);

        Assert.DoesNotContain("Xy9-secret-signature", masker.Apply($"POST {logged}"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_value_escaped_inside_JSON_text_is_masked()
    {
        var text = new JsonObject { ["password"] = Value }.ToJsonString();

        Assert.Equal("""{"password":"***"}""", _masker.Apply(text));
    }

    [Fact]
    public void Values_inside_JSON_are_masked_at_any_depth()
    {
        var masked = _masker.Apply(new JsonObject { ["a"] = new JsonArray($"x{Value}", 1), ["b"] = new JsonObject { ["c"] = Value } });

        Assert.Equal("""{"a":["x***",1],"b":{"c":"***"}}""", masked!.ToJsonString());
    }

    [Fact]
    public void A_value_containing_another_is_masked_whole()
    {
        var masker = new SecretMasker(["abc", "abcdef"]);

        Assert.Equal("*** ***", masker.Apply("abcdef abc"));
    }
}
