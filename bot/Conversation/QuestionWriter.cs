using System.Threading.Channels;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// Stores the questions asked in chat off the request path, many per transaction: one database write per
/// question would cap how many questions a second the bot can answer. A question is in the database a few
/// milliseconds after its answer was sent; on shutdown the queue is drained before the process ends. Readers
/// that need a question that may still be queued (the hand-off) call <see cref="FlushAsync"/> first.
/// </summary>
internal sealed partial class QuestionWriter(IServiceScopeFactory scopes, ILogger<QuestionWriter> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(20);

    private readonly Channel<object> _queue = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the question for storing; never waits.</summary>
    public void Enqueue(Question question) => _queue.Writer.TryWrite(question);

    /// <summary>Completes once every question queued before the call is stored (or failed to be).</summary>
    public Task FlushAsync()
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _queue.Writer.TryWrite(flushed) ? flushed.Task : Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // A moment for more to arrive: under load one transaction then carries many questions.
                await Task.Delay(GatherTime, stoppingToken);
                await WriteAvailableAsync(CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        await WriteAvailableAsync(cancellationToken); // what arrived between the last batch and the stop
    }

    private async Task WriteAvailableAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Question>(BatchSize);
        var waiting = new List<TaskCompletionSource>();
        while (_queue.Reader.TryRead(out var item))
        {
            if (item is Question question)
            {
                batch.Add(question);
            }
            else if (item is TaskCompletionSource flush)
            {
                waiting.Add(flush);
            }

            if (batch.Count == BatchSize)
            {
                await SaveAsync(batch, cancellationToken);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await SaveAsync(batch, cancellationToken);
        }

        waiting.ForEach(w => w.TrySetResult());
    }

    /// <summary>One transaction for the batch; when it fails, each question alone, so one bad row loses only itself.</summary>
    private async Task SaveAsync(List<Question> batch, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            // Multi-row inserts without the change tracker: tracking 500 new questions cost more CPU than answering them.
            await db.InsertRowsAsync(batch, cancellationToken);
            return;
        }
        catch (Exception e) when (RowInserter.IsStoreFailure(e))
        {
            LogBatchFailed(logger, batch.Count, e);
        }

        foreach (var question in batch)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
                // The conversation may have been removed meanwhile (the bot uninstalled): keep the question without it.
                if (question.ConversationReferenceId is { } conversation && !await db.ConversationReferences.AnyAsync(c => c.Id == conversation, cancellationToken))
                {
                    question.ConversationReferenceId = null;
                }

                db.Questions.Add(question);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception e) when (RowInserter.IsStoreFailure(e))
            {
                LogQuestionLost(logger, question.Id, e);
            }
        }
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning, Message = "Storing {Count} questions in one transaction failed; storing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1401, Level = LogLevel.Error, Message = "Question {QuestionId} could not be stored")]
    private static partial void LogQuestionLost(ILogger logger, Guid questionId, Exception exception);
}
