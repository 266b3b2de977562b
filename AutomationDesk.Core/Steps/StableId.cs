using System.Security.Cryptography;
using System.Text;

namespace AutomationDesk.Core.Steps;

/// <summary>
/// An id that is the same every time a step of a run is repeated, so its writes can be made once. It is a
/// GUID v7 like every other id: the run's own v7 timestamp, then bits of a hash of what is being written.
/// </summary>
public static class StableId
{
    /// <summary>
    /// The run's own id, not its idempotency key: a retried run sends the key of the run it came from, but writes rows
    /// of its own.
    /// </summary>
    public static Guid For(string kind, StepContext context) => Within(context.ExecutionId, $"{kind}:{context.ExecutionId}:{context.StepId}");

    public static Guid Within(Guid executionId, string key)
    {
        Span<byte> bytes = stackalloc byte[16];
        SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16).CopyTo(bytes);
        Span<byte> run = stackalloc byte[16];
        executionId.TryWriteBytes(run, bigEndian: true, out _);
        run[..6].CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }
}
