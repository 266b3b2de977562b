using AutomationDesk.Core.Persistence;
using AutomationDesk.Tests.Api;

namespace AutomationDesk.Tests.Postgres;

// The API suite's core classes again, on PostgreSQL: each inherits every test of its SQLite class and runs it against
// a desk whose EF Core store is Npgsql and whose Hangfire storage is Hangfire.PostgreSql.

[Collection(PostgresDeskAppCollection.Name)]
public sealed class PostgresWorkflowsApiTests(PostgresDeskApp desk) : WorkflowsApiTests(desk);

[Collection(PostgresDeskAppCollection.Name)]
public sealed class PostgresExecutionsApiTests(PostgresDeskApp desk) : ExecutionsApiTests(desk);

[Collection(PostgresDeskAppCollection.Name)]
public sealed class PostgresWebhookReceiverTests(PostgresDeskApp desk) : WebhookReceiverTests(desk);

[Collection(PostgresDeskAppCollection.Name)]
public sealed class PostgresDeskSettingsApiTests(PostgresDeskApp desk) : DeskSettingsApiTests(desk);

/// <summary>The event stream's desk on a real port, on PostgreSQL.</summary>
public sealed class PostgresEventStreamDesk() : EventStreamDesk(StorageProvider.Postgres);

public sealed class PostgresExecutionEventsApiTests(PostgresEventStreamDesk fixture) : ExecutionEventsApiTests(fixture), IClassFixture<PostgresEventStreamDesk>;
