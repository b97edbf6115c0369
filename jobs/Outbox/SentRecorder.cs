using System.Data.Common;
using System.Threading.Channels;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>
/// Records sends as sent, many at a time: every send that finished while the previous batch was being written is
/// recorded in the next one, in one transaction with one prepared statement, instead of one transaction each. At a
/// thousand replies a second that is the difference between the store keeping up and not. Each caller still waits for
/// its own row's outcome (true: recorded; false: it was recorded before), so nothing is acknowledged before it is stored.
/// </summary>
internal sealed class SentRecorder : IDisposable
{
    private const int MaxBatch = 500;

    private readonly IServiceScopeFactory _scopes;
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lazy<Task> _loop;

    public SentRecorder(IServiceScopeFactory scopes)
    {
        _scopes = scopes;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync));
    }

    /// <summary>Records the row as sent at <paramref name="at"/> with the platform's message id; false when it was recorded before.</summary>
    public Task<bool> RecordAsync(Guid id, string? messageId, DateTimeOffset at)
    {
        var pending = new Pending(id, messageId, at, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(pending), this);

        _ = _loop.Value;
        return pending.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                var recorded = await WriteAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(recorded[i]);
                }
            }
            catch (Exception e)
            {
                // The store failed: each caller retries its own row (OutboxDispatcher.RecordAsync).
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }

            batch.Clear();
        }
    }

    private async Task<bool[]> WriteAsync(List<Pending> batch)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var statement = Statement.Of(db);
        using var turn = await db.WriteTurnAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = statement.Sql;
        var recorded = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            command.Parameters.Clear();
            command.Parameters.Add(statement.SentAt.CreateParameter(command, "@at", batch[i].At, nullable: true));
            command.Parameters.Add(statement.MessageId.CreateParameter(command, "@message", batch[i].MessageId, nullable: true));
            command.Parameters.Add(statement.Id.CreateParameter(command, "@id", batch[i].Id, nullable: false));
            recorded[i] = await command.ExecuteNonQueryAsync() == 1;
        }

        await transaction.CommitAsync();
        return recorded;
    }

    public void Dispose() => _pending.Writer.TryComplete();

    private sealed record Pending(Guid Id, string? MessageId, DateTimeOffset At, TaskCompletionSource<bool> Done);

    /// <summary>The UPDATE, with names and value conversions from the EF Core model (as <c>ExecuteUpdate</c> would write them).</summary>
    private sealed record Statement(string Sql, RelationalTypeMapping SentAt, RelationalTypeMapping MessageId, RelationalTypeMapping Id)
    {
        public static Statement Of(ComplianceDbContext db)
        {
            var entity = db.Model.FindEntityType(typeof(OutboxMessage))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            string Column(string property) => sql.DelimitIdentifier(entity.GetProperty(property).GetColumnName(table)!);
            RelationalTypeMapping Mapping(string property) => entity.GetProperty(property).GetRelationalTypeMapping();
            return new Statement(
                $"""
                UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)}
                SET {Column(nameof(OutboxMessage.SentAt))} = @at, {Column(nameof(OutboxMessage.SentMessageId))} = @message,
                    {Column(nameof(OutboxMessage.Attempts))} = {Column(nameof(OutboxMessage.Attempts))} + 1, {Column(nameof(OutboxMessage.LastError))} = NULL,
                    {Column(nameof(OutboxMessage.ClaimedBy))} = NULL, {Column(nameof(OutboxMessage.ClaimedUntil))} = NULL
                WHERE {Column(nameof(OutboxMessage.Id))} = @id AND {Column(nameof(OutboxMessage.SentAt))} IS NULL
                """,
                Mapping(nameof(OutboxMessage.SentAt)), Mapping(nameof(OutboxMessage.SentMessageId)), Mapping(nameof(OutboxMessage.Id)));
        }
    }
}
