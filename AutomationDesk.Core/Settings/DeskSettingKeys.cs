using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AutomationDesk.Core.Workflows;

namespace AutomationDesk.Core.Settings;

/// <summary>
/// Everything the desk knows about its settings' keys: their names, the value each accepts and its default. The API and
/// the Settings page both check a change here, so a value refused by one is refused by the other in the same words.
/// </summary>
public static partial class DeskSettingKeys
{
    /// <summary>The address people reach the desk at, when it sits behind a proxy; webhook URLs are built from it.</summary>
    public const string PublicBaseUrl = "desk.publicBaseUrl";

    public const string ExecutionsDays = "retention.executionsDays";
    public const string WebhookEventsDays = "retention.webhookEventsDays";
    public const string NotificationsDays = "retention.notificationsDays";

    /// <summary>Whether the retention job writes what it deletes to <c>data/archive</c> first.</summary>
    public const string Archive = "retention.archive";

    /// <summary>Keys <c>vars.&lt;name&gt;</c> are global variables, read by templates as <c>${vars.name}</c>.</summary>
    public const string VarsPrefix = "vars.";

    public const int MinRetentionDays = 1;
    public const int MaxRetentionDays = 3650;

    /// <summary>The keys with a fixed name, in the order they are listed to a person who sent another.</summary>
    public static readonly IReadOnlyList<string> KnownKeys =
    [
        PublicBaseUrl, DeskSettings.EmailDefaultConnection, DeskSettings.AiDefaultConnection,
        ExecutionsDays, WebhookEventsDays, NotificationsDays, Archive,
    ];

    /// <summary>The connection types each default-connection key may name.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> DefaultConnectionTypes = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        [DeskSettings.EmailDefaultConnection] = ["smtp"],
        [DeskSettings.AiDefaultConnection] = ["openai", "anthropic"],
    };

    /// <summary>The value a retention key has while nobody has set it.</summary>
    public static int DefaultDays(string key) => key switch
    {
        ExecutionsDays => RetentionSettings.Default.ExecutionsDays,
        WebhookEventsDays => RetentionSettings.Default.WebhookEventsDays,
        NotificationsDays => RetentionSettings.Default.NotificationsDays,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "Not a retention key."),
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex VarName();

    public static bool IsVariable(string key) => key.StartsWith(VarsPrefix, StringComparison.Ordinal);

    /// <summary>Refuses a key this desk does not know, so a typo does not sit unread in the database.</summary>
    public static void CheckKey(string key)
    {
        if (IsVariable(key))
        {
            if (!VarName().IsMatch(key[VarsPrefix.Length..]))
            {
                throw DeskProblemException.InvalidField("key", $"'{key}': a variable's name is letters, digits and _, not starting with a digit, at most 100.");
            }
            return;
        }
        if (!KnownKeys.Contains(key, StringComparer.Ordinal))
        {
            throw DeskProblemException.InvalidField("key", $"'{key}' is not a setting. Known: {string.Join(", ", KnownKeys)}, and vars.<name> for global variables.");
        }
    }

    /// <summary>
    /// The value as it is stored for <paramref name="key"/> (a base URL loses its trailing slash), or a refusal naming
    /// the key and what is wrong. Whether a default connection exists is checked by <see cref="DeskSettings.ChangeAsync"/>.
    /// </summary>
    public static JsonNode? Normalize(string key, JsonNode? value)
    {
        CheckKey(key);
        return key switch
        {
            PublicBaseUrl => JsonValue.Create(BaseUrl(value)),
            ExecutionsDays or WebhookEventsDays or NotificationsDays => JsonValue.Create(Days(key, value)),
            Archive when value is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False => JsonValue.Create(flag.GetValue<bool>()),
            Archive => throw Invalid(key, "true or false."),
            _ when DefaultConnectionTypes.TryGetValue(key, out var types) => JsonValue.Create(ConnectionName(key, value, types)),
            _ => value?.DeepClone(),
        };
    }

    /// <summary>The whole days in <paramref name="value"/>, or a refusal; shared with a workflow's <c>settings.retentionDays</c>.</summary>
    public static bool TryDays(JsonNode? value, out int days)
    {
        days = 0;
        return value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue(out days)
            && days is >= MinRetentionDays and <= MaxRetentionDays;
    }

    public static string DaysRule => $"a whole number of days from {MinRetentionDays} to {MaxRetentionDays}";

    private static int Days(string key, JsonNode? value) =>
        TryDays(value, out var days) ? days : throw Invalid(key, $"{DaysRule} (default {DefaultDays(key)}), not {Shown(value)}.");

    private static string BaseUrl(JsonNode? value)
    {
        const string rule = "an absolute http:// or https:// address such as https://desk.example.com, without ?query or #fragment";
        if (!value.TryGetText(out var text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(url.Host))
        {
            throw Invalid(PublicBaseUrl, $"{rule}, not {Shown(value)}.");
        }
        if (url.Query.Length > 0 || url.Fragment.Length > 0 || text.Contains('?', StringComparison.Ordinal) || text.Contains('#', StringComparison.Ordinal))
        {
            throw Invalid(PublicBaseUrl, $"{rule}: remove the {(url.Query.Length > 0 || text.Contains('?', StringComparison.Ordinal) ? "?query" : "#fragment")}.");
        }
        if (url.UserInfo.Length > 0)
        {
            throw Invalid(PublicBaseUrl, $"{rule}, and without a user name or password in it.");
        }
        return url.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    private static string ConnectionName(string key, JsonNode? value, string[] types) =>
        value.TryGetText(out var name) && name.Length > 0
            ? name
            : throw Invalid(key, $"the name of a {string.Join(" or ", types)} connection, not {Shown(value)}.");

    private static string Shown(JsonNode? value) => value?.ToJsonString() ?? "null";

    private static DeskProblemException Invalid(string key, string message) => DeskProblemException.InvalidField("value", $"{key} is {message}");
}
