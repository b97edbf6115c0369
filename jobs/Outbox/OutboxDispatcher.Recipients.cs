using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Jobs.Outbox;

/// <summary>Rows addressed to a person who had no conversation yet (<see cref="OutboxMessage.RecipientPersonId"/>).</summary>
internal sealed partial class OutboxDispatcher
{
    /// <summary>
    /// The conversation a person-addressed row goes to (opened by installing the Teams app when need be), or null when the
    /// row was dealt with instead: rescheduled, dead-lettered with the leads told, or released because the instance stops.
    /// </summary>
    private async Task<ConversationReference?> OpenPersonalChatAsync(ComplianceDbContext db, IServiceProvider services, OutboxMessage row, string claim, CancellationToken cancellationToken)
    {
        ChatOpening opening;
        try
        {
            opening = await services.GetRequiredService<PersonalChatOpener>().OpenAsync(db, row, claim, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(db, row.Id, claim);
            return null;
        }

        if (opening.Failure is { } failure)
        {
            await RecordFailureAsync(db, row, claim, failure);
        }

        return opening.Conversation;
    }
}
