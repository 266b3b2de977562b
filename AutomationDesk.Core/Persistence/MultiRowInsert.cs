using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AutomationDesk.Core.Persistence;

/// <summary>
/// Writes many rows of one entity type as one <c>INSERT … VALUES (…), (…)</c>. EF Core's SQLite provider writes
/// every added row as its own statement (prepared, run and read back for its key); a run's log rows are the bulk of
/// its writes, and one statement for all of them is what lets a run finish in one short write turn. Columns, value
/// conversions and parameter types come from the EF model, so rows read back exactly as if EF had written them.
/// Store-generated columns (an autoincrement key) are left to the database; with <c>setKey</c> the generated key
/// comes back in the same statement (<c>RETURNING</c>) and is handed to <c>setKey</c> with its row.
/// </summary>
public static class MultiRowInsert
{
    // SQLite allows 32,766 parameters per statement; a run's logs are far fewer, a retention import is not.
    private const int MaxParameters = 30_000;

    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken ct, Action<T, long>? setKey = null) where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }
        var entityType = db.Model.FindEntityType(typeof(T))
            ?? throw new InvalidOperationException($"{typeof(T).Name} is not part of the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var columns = entityType.GetProperties().Where(p => p.ValueGenerated != ValueGenerated.OnAdd).ToList();
        var values = columns.Select(c => (Mapping: (RelationalTypeMapping)c.GetTypeMapping(), Getter: c.GetGetter(), c.IsNullable)).ToList();
        var key = setKey is null ? null : GeneratedKey(entityType);
        var perStatement = Math.Max(1, MaxParameters / columns.Count);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var end = Math.Min(start + perStatement, rows.Count);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Statement(table, columns, end - start)
                + (key is null ? "" : $" RETURNING \"{key.GetColumnName(table)}\"");
            var n = 0;
            for (var row = start; row < end; row++)
            {
                foreach (var (mapping, getter, nullable) in values)
                {
                    command.Parameters.Add(mapping.CreateParameter(command, $"@p{n++}", getter.GetClrValue(rows[row]), nullable));
                }
            }
            if (key is null)
            {
                await command.ExecuteNonQueryAsync(ct);
                continue;
            }
            // RETURNING gives its rows in no promised order; the keys were drawn in the order of the VALUES, ascending.
            var keys = new List<long>(end - start);
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    keys.Add(reader.GetInt64(0));
                }
            }
            keys.Sort();
            for (var row = start; row < end; row++)
            {
                setKey!(rows[row], keys[row - start]);
            }
        }
    }

    private static IProperty GeneratedKey(IEntityType entityType) =>
        entityType.FindPrimaryKey()?.Properties is [{ ValueGenerated: ValueGenerated.OnAdd } key]
            ? key
            : throw new InvalidOperationException($"{entityType.DisplayName()} has no single store-generated key to read back.");

    private static string Statement(StoreObjectIdentifier table, List<IProperty> columns, int rows)
    {
        var sql = new StringBuilder("INSERT INTO \"").Append(table.Name).Append("\" (")
            .AppendJoin(", ", columns.Select(c => $"\"{c.GetColumnName(table)}\""))
            .Append(") VALUES ");
        var n = 0;
        for (var row = 0; row < rows; row++)
        {
            sql.Append(row == 0 ? "(" : ", (");
            for (var column = 0; column < columns.Count; column++)
            {
                sql.Append(column == 0 ? "@p" : ", @p").Append(n++);
            }
            sql.Append(')');
        }
        return sql.ToString();
    }
}
