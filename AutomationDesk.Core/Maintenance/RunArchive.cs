using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace AutomationDesk.Core.Maintenance;

/// <summary>
/// The archive of one prune: <c>{root}/{yyyy-MM-dd}/{kind}-{n}.jsonl.gz</c>, one JSON object per line (camelCase, enums as
/// names, times ISO 8601), <c>n</c> the prune's number that day. Each batch is appended as a gzip member of its own and
/// forced to the disk before the batch is deleted, so the file is valid gzip after every batch, even if the desk stops
/// halfway (gzip readers read concatenated members as one stream). Nothing is written until the first batch.
/// </summary>
public sealed partial class RunArchive(string root, DateTimeOffset day)
{
    public const string Executions = "executions";
    public const string WebhookEvents = "webhook-events";
    public const string Notifications = "notifications";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
    };

    private int _number;

    /// <summary>The folder this prune wrote to; null until it wrote something.</summary>
    public string? Folder { get; private set; }

    /// <summary>Appends the rows as JSON lines to this prune's file of that kind and flushes them to the disk.</summary>
    public async Task AppendAsync<T>(string kind, IEnumerable<T> rows, CancellationToken ct)
    {
        var folder = Path.Combine(root, day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (Folder is null)
        {
            Directory.CreateDirectory(folder);
            _number = NextNumber(folder);
            Folder = folder;
        }
        var path = Path.Combine(folder, $"{kind}-{_number}.jsonl.gz");
        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 81920, useAsync: true);
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                await JsonSerializer.SerializeAsync(gzip, row, Json, ct);
                gzip.WriteByte((byte)'\n');
            }
        }
        await file.FlushAsync(ct);
        file.Flush(flushToDisk: true);
    }

    /// <summary>One more than the highest number of an archive file in the folder: two prunes on one day never share a file.</summary>
    private static int NextNumber(string folder) =>
        Directory.EnumerateFiles(folder, "*.jsonl.gz")
            .Select(path => NumberPattern().Match(Path.GetFileName(path)))
            .Where(match => match.Success)
            .Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max() + 1;

    [GeneratedRegex(@"-(\d+)\.jsonl\.gz$")]
    private static partial Regex NumberPattern();
}
