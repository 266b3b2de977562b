using System.Text.Json;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Tests.Support;
using Microsoft.EntityFrameworkCore;
using static AutomationDesk.Tests.Support.Definitions;

namespace AutomationDesk.Tests.Core.Workflows;

public sealed class WorkflowVersionTests : IAsyncLifetime
{
    private static readonly Actor Editor = Actor.User("editor@desk.test");
    private CoreDesk _desk = null!;

    public async Task InitializeAsync() => _desk = await CoreDesk.StartAsync();

    public async Task DisposeAsync() => await _desk.DisposeAsync();

    private WorkflowStore Store => _desk.Get<WorkflowStore>();

    private static string Named(int value) => Workflow(Transform("a", value)).ToJsonString();

    [Fact]
    public async Task Each_changed_save_adds_the_next_version()
    {
        var created = await Store.CreateAsync(Named(1), Editor, CancellationToken.None);
        var id = created["id"]!.GetValue<Guid>();

        await Store.UpdateAsync(id, Named(2), Editor, CancellationToken.None);
        var third = await Store.UpdateAsync(id, Named(3), Editor, CancellationToken.None);

        Assert.Equal(1, created["version"]!.GetValue<int>());
        Assert.Equal(3, third!["version"]!.GetValue<int>());
        await using var db = _desk.NewDb();
        var versions = await db.WorkflowVersions.Where(v => v.WorkflowId == id).OrderBy(v => v.Version).ToListAsync();
        Assert.Equal([1, 2, 3], versions.Select(v => v.Version));
        Assert.All(versions, v => Assert.Equal(Editor.Name, v.CreatedBy));
        Assert.Equal(2, JsonDocument.Parse(versions[1].DefinitionJson).RootElement.GetProperty("steps")[0].GetProperty("config").GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Saving_an_unchanged_definition_adds_no_version()
    {
        var id = await _desk.SaveAsync(Workflow(Transform("a", 1)));

        var again = await Store.UpdateAsync(id, Named(1), Editor, CancellationToken.None);

        Assert.Equal(1, again!["version"]!.GetValue<int>());
        await using var db = _desk.NewDb();
        Assert.Equal(1, await db.WorkflowVersions.CountAsync(v => v.WorkflowId == id));
        Assert.DoesNotContain("workflow.update", await db.AuditEvents.Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task Restoring_an_old_version_makes_it_current_as_a_new_version()
    {
        var id = await _desk.SaveAsync(Workflow(Transform("a", 1)));
        await Store.UpdateAsync(id, Named(2), Editor, CancellationToken.None);

        var restored = await Store.RestoreAsync(id, 1, Editor, CancellationToken.None);

        Assert.Equal(3, restored!["version"]!.GetValue<int>());
        Assert.Equal(1, restored["steps"]![0]!["config"]!["value"]!.GetValue<int>());
        await using var db = _desk.NewDb();
        var versions = await db.WorkflowVersions.Where(v => v.WorkflowId == id).OrderBy(v => v.Version).ToListAsync();
        Assert.Equal(versions[0].DefinitionJson, versions[2].DefinitionJson);
        Assert.Contains("workflow.restore", await db.AuditEvents.Select(a => a.Action).ToListAsync());
    }

    [Fact]
    public async Task Restoring_an_unknown_version_finds_nothing()
    {
        var id = await _desk.SaveAsync(Workflow(Transform("a", 1)));

        Assert.Null(await Store.RestoreAsync(id, 9, Editor, CancellationToken.None));
    }

    [Fact]
    public async Task Create_update_and_delete_are_audited_with_actor_and_target()
    {
        var id = (await Store.CreateAsync(Named(1), Editor, CancellationToken.None))["id"]!.GetValue<Guid>();
        await Store.UpdateAsync(id, Named(2), Editor, CancellationToken.None);

        var deleted = await Store.DeleteAsync(id, Actor.Key("ci-key"), CancellationToken.None);

        Assert.True(deleted);
        await using var db = _desk.NewDb();
        var audit = await db.AuditEvents.OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["workflow.create", "workflow.update", "workflow.delete"], audit.Select(a => a.Action));
        Assert.All(audit, a => Assert.Equal($"workflow:{id}", a.Target));
        Assert.Equal([Editor.Name, Editor.Name, "ci-key"], audit.Select(a => a.Actor));
        Assert.Equal(ActorKind.ApiKey, audit[2].ActorKind);
        Assert.Equal(CoreDesk.Epoch, audit[0].Time);
        Assert.Equal(0, await db.Workflows.CountAsync());
    }
}
