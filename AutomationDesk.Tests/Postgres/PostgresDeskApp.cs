using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Api;

namespace AutomationDesk.Tests.Postgres;

/// <summary>The API tests' desk on a fresh database of the run's PostgreSQL server, Hangfire on Hangfire.PostgreSql.</summary>
public sealed class PostgresDeskApp() : DeskApp(StorageProvider.Postgres);

/// <summary>
/// One PostgreSQL desk for the API test classes run again on PostgreSQL (each derived from its SQLite class, so the
/// same tests run on both stores).
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresDeskAppCollection : ICollectionFixture<PostgresDeskApp>
{
    public const string Name = "Desk API on PostgreSQL";
}
