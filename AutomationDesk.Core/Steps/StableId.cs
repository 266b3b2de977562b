using System.Security.Cryptography;
using System.Text;

namespace AutomationDesk.Core.Steps;

/// <summary>An id that is the same every time a step of a run is repeated, so its writes can be made once.</summary>
public static class StableId
{
    public static Guid For(string kind, StepContext context) => From($"{kind}:{context.IdempotencyKey}");

    public static Guid From(string key) => new(SHA256.HashData(Encoding.UTF8.GetBytes(key)).AsSpan(0, 16));
}
