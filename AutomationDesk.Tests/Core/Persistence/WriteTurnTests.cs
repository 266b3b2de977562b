using AutomationDesk.Core.Notifications;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace AutomationDesk.Tests.Core.Persistence;

public sealed class WriteTurnTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private static Notification Note(string title) => new()
    {
        Id = Guid.CreateVersion7(), Title = title, Message = "", CreatedAt = CoreDesk.Epoch,
    };

    [Fact]
    public async Task Another_writer_waits_for_the_turn_and_goes_as_soon_as_it_is_committed()
    {
        await using var holder = _desk.NewDb();
        await using var write = await DeskDatabase.BeginWriteAsync(holder, CancellationToken.None);
        holder.Notifications.Add(Note("first"));
        await holder.SaveChangesAsync();

        await using var other = _desk.NewDb();
        other.Notifications.Add(Note("second"));
        var waiting = other.SaveChangesAsync();
        await Task.Yield();
        Assert.False(waiting.IsCompleted, "a second writer went while the turn was held");

        await write.CommitAsync(CancellationToken.None);
        // Handed on at commit, not only when the transaction is disposed.
        await waiting.WaitAsync(Bound);

        await using var read = _desk.NewDb();
        Assert.Equal(["first", "second"], await read.Notifications.OrderBy(n => n.Title).Select(n => n.Title).ToListAsync());
    }
}
