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
/// Store-generated columns (an autoincrement key) are left to the database; nothing is read back.
/// </summary>
public static class MultiRowInsert
{
    // SQLite allows 32,766 parameters per statement; a run's logs are far fewer, a retention import is not.
    private const int MaxParameters = 30_000;

    public static async Task InsertAsync<T>(DbContext db, IReadOnlyList<T> rows, CancellationToken ct) where T : class
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
        var perStatement = Math.Max(1, MaxParameters / columns.Count);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        for (var start = 0; start < rows.Count; start += perStatement)
        {
            var end = Math.Min(start + perStatement, rows.Count);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Statement(table, columns, end - start);
            var n = 0;
            for (var row = start; row < end; row++)
            {
                foreach (var (mapping, getter, nullable) in values)
                {
                    command.Parameters.Add(mapping.CreateParameter(command, $"@p{n++}", getter.GetClrValue(rows[row]), nullable));
                }
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }

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
