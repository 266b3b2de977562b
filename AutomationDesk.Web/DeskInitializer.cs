using System.Security.Cryptography;
using AutomationDesk.Core.Auditing;
using AutomationDesk.Core.Execution;
using AutomationDesk.Core.Maintenance;
using AutomationDesk.Core.Persistence;
using AutomationDesk.Core.Security;
using Hangfire;
using AutomationDesk.Core.Triggers;
using AutomationDesk.Core.Workflows;
using AutomationDesk.Web.Jobs;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AutomationDesk.Web;

/// <summary>
/// Start-up work before the desk takes requests: migrate the database, make the roles, make the first admin on an
/// empty database, hand open runs back to the dispatcher, deal with the schedule fires missed while the desk was down,
/// and register every schedule again.
/// </summary>
public static partial class DeskInitializer
{
    public static async Task InitializeDeskAsync(this WebApplication app, CancellationToken ct = default)
    {
        using var scope = app.Services.CreateScope();
        var services = scope.ServiceProvider;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("AutomationDesk.Startup");
        // Nodes of one PostgreSQL database starting together take turns here: each step checks, then writes.
        await using (var db = await services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync(ct))
        await using (await DeskDatabase.StartTurnAsync(db, ct))
        {
            await DeskDatabase.MigrateAsync(db, ct);
            await services.GetRequiredService<SigningSecretEncryption>().EncryptStoredAsync(ct);
            var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in DeskRoles.All)
            {
                if (!await roles.RoleExistsAsync(role))
                {
                    await roles.CreateAsync(new IdentityRole(role));
                }
            }
            await CreateFirstAdminAsync(services, app.Configuration, logger, ct);
            // Opening the lasting job storage installs its schema (Hangfire.PostgreSql takes no lock of its own): in turn too.
            _ = services.GetRequiredService<JobStorage>();
        }
        await services.GetRequiredService<ExecutionRecovery>().RecoverAsync(ct);
        services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<LongRunningWatch>("runs:long-running", watch => watch.CheckAsync(CancellationToken.None), Cron.Minutely());
        services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate<OverdueTimerSweep>("runs:overdue-timers", sweep => sweep.SweepAsync(CancellationToken.None), Cron.Minutely());
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<ConnectionHealthJob>(ConnectionHealthJob.JobId,
            job => job.ExecuteAsync(CancellationToken.None), services.GetRequiredService<IOptions<ConnectionHealthOptions>>().Value.Cron());
        services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<RetentionJob>(RetentionJob.JobId,
            job => job.ExecuteAsync(CancellationToken.None), services.GetRequiredService<IOptions<RetentionOptions>>().Value.Cron);
        await services.GetRequiredService<ScheduleWatch>().CatchUpAsync(ct);
        await RegisterSchedulesAsync(services, ct);
    }

    private static async Task RegisterSchedulesAsync(IServiceProvider services, CancellationToken ct)
    {
        List<Guid> ids;
        await using (var db = await services.GetRequiredService<IDbContextFactory<DeskDbContext>>().CreateDbContextAsync(ct))
        {
            ids = await db.Workflows.AsNoTracking().Where(w => w.TriggerType == TriggerTypes.Schedule).Select(w => w.Id).ToListAsync(ct);
        }
        await services.GetRequiredService<HangfireScheduleRegistry>().SyncAllAsync(ids, ct);
    }

    private static async Task CreateFirstAdminAsync(IServiceProvider services, IConfiguration configuration, ILogger logger, CancellationToken ct)
    {
        var users = services.GetRequiredService<UserManager<DeskUser>>();
        if (await users.Users.AnyAsync(ct))
        {
            return;
        }
        var email = configuration["Bootstrap:AdminEmail"] is { Length: > 0 } configured ? configured : "admin@localhost";
        var password = configuration["Bootstrap:AdminPassword"];
        var generated = string.IsNullOrEmpty(password);
        if (generated)
        {
            password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y') + "aA1";
        }
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var admin = new DeskUser { Id = Guid.CreateVersion7(now).ToString(), UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now };
        var result = await users.CreateAsync(admin, password!);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not create the first admin {email}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
        await users.AddToRoleAsync(admin, DeskRoles.Admin);
        if (configuration["Bootstrap:ApiKey"] is { Length: > 0 } apiKey)
        {
            await services.GetRequiredService<ApiKeyStore>().CreateAsync("bootstrap", admin.Id, Actor.System, ct, apiKey);
        }
        if (generated)
        {
            // Printed once, on the console only: it is not stored anywhere in clear.
            Console.WriteLine();
            Console.WriteLine("  AutomationDesk created its first admin.");
            Console.WriteLine($"  Sign in as {email} with password: {password}");
            Console.WriteLine("  (shown only now; change it or set Bootstrap:AdminPassword before the first start)");
            Console.WriteLine();
        }
        else
        {
            Log.AdminCreated(logger, email);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "Created the first admin {Email} with the configured password")]
        public static partial void AdminCreated(ILogger logger, string email);
    }
}
