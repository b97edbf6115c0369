using System.Globalization;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Curation;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Questions;
using ChatCompliance.Core.Storage;
using ChatCompliance.Jobs.Outbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Bot.Conversation;

/// <summary>
/// The platform-neutral conversation: commands (help, ask, my tasks, my reviews), questions answered with citations,
/// related questions, and the hand-off of unanswered questions to the compliance leads and back.
/// </summary>
internal sealed partial class ConversationService(
    ComplianceDbContext db,
    CuratedKnowledge knowledge,
    QuestionWriter questions,
    KnownConversations known,
    AskingLimits limits,
    IOptions<RateLimitOptions> rateLimits,
    IServiceProvider services,
    TimeProvider time)
{
    // The commands' own conversations (and everything they need), built when a command first asks for them: most
    // messages are questions, which need none of them.
    private TaskConversation Tasks => field ??= services.GetRequiredService<TaskConversation>();

    private ReviewConversation Reviews => field ??= services.GetRequiredService<ReviewConversation>();

    private SubscriptionConversation Subscriptions => field ??= services.GetRequiredService<SubscriptionConversation>();

    private AuditConversation Audits => field ??= services.GetRequiredService<AuditConversation>();

    private JobConversation Jobs => field ??= services.GetRequiredService<JobConversation>();

    private OutboxConversation Outbox => field ??= services.GetRequiredService<OutboxConversation>();

    private TopicMemory Topics => field ??= services.GetRequiredService<TopicMemory>();

    private DraftConversation Drafts => field ??= services.GetRequiredService<DraftConversation>();

    private QuestionHandOffs HandOffs => field ??= services.GetRequiredService<QuestionHandOffs>();

    /// <summary>The polite refusal of text no store can keep.</summary>
    public static readonly TextReply Unstorable = new("Sorry, I can't use that: it contains a character I can't store (a NUL or a broken character). Please retype it and try again.");

    /// <summary>
    /// Handles one event. Text no store can keep is refused here, politely and before anything is written; whatever a
    /// command would store that the store's own guard refuses (a date decades away, a field too long) becomes the guard's reason.
    /// </summary>
    public async Task<ChatReply> HandleAsync(ChatEvent chat, CancellationToken cancellationToken = default)
    {
        if (TextRule.StorageProblem(chat.Text, "message") is not null || chat.Data?.Any(d => TextRule.StorageProblem(d.Key, "field") is not null || TextRule.StorageProblem(d.Value, "field") is not null) == true)
        {
            return Unstorable;
        }

        try
        {
            return await DispatchAsync(chat, cancellationToken);
        }
        catch (RefusedInputException refused)
        {
            db.ChangeTracker.Clear();
            return new TextReply($"Sorry, I couldn't save that: {refused.Message}. Nothing was changed.");
        }
    }

    private Task<ChatReply> DispatchAsync(ChatEvent chat, CancellationToken cancellationToken) => chat.Kind switch
    {
        ChatEventKind.Message => OnMessageAsync(chat, cancellationToken),
        ChatEventKind.CardAction => OnCardActionAsync(chat, cancellationToken),
        ChatEventKind.Installed => Task.FromResult<ChatReply>(new CardReply(QuestionCards.Welcome())),
        _ => Task.FromResult<ChatReply>(new NoReply()),
    };

    /// <summary>What a typed message asks for: one of the commands, or (anything else) a question.</summary>
    private enum MessageRoute
    {
        Help,
        MyTasks,
        TasksPage,
        Assign,
        MyReviews,
        Review,
        Audits,
        AuditAnchor,
        AuditAdd,
        RunJob,
        DueDate,
        Subscription,
        Drafts,
        More,
        Question,
    }

    private static MessageRoute RouteOf(string text)
    {
        var command = text.Trim().ToLowerInvariant();
        return command switch
        {
            "" or "help" or "/help" or "?" or "hi" or "hello" => MessageRoute.Help,
            "my tasks" or "tasks" => MessageRoute.MyTasks,
            _ when TasksPage().IsMatch(command) => MessageRoute.TasksPage,
            "assign" => MessageRoute.Assign,
            _ when command.StartsWith("assign ", StringComparison.Ordinal) => MessageRoute.Assign,
            "my reviews" or "reviews" => MessageRoute.MyReviews,
            "review" => MessageRoute.Review,
            _ when command.StartsWith("review ", StringComparison.Ordinal) => MessageRoute.Review,
            "audits" or "audit calendar" => MessageRoute.Audits,
            "audit anchor" => MessageRoute.AuditAnchor,
            _ when command.StartsWith("audit add", StringComparison.Ordinal) => MessageRoute.AuditAdd,
            _ when JobConversation.IsCommand(text) => MessageRoute.RunJob,
            _ when TaskConversation.IsDueCommand(text) => MessageRoute.DueDate,
            _ when command.Split(' ', 2)[0] is "subscribe" or "unsubscribe" => MessageRoute.Subscription,
            _ when DraftConversation.IsCommand(command) => MessageRoute.Drafts,
            QuestionCards.MoreCommand or "show all" or "show more" => MessageRoute.More,
            _ => MessageRoute.Question,
        };
    }

    /// <summary>
    /// True when the text is a question (no command): answering it acts for nobody, so a platform need not confirm who
    /// sent it first. Every command, including those that only list, is handled as the confirmed person.
    /// </summary>
    public static bool IsQuestion(string text) => RouteOf(text) == MessageRoute.Question;

    private async Task<ChatReply> OnMessageAsync(ChatEvent chat, CancellationToken cancellationToken)
    {
        var text = (chat.Text ?? "").Trim();
        var command = text.ToLowerInvariant();
        var route = RouteOf(text);
        if (route is MessageRoute.Help)
        {
            return new CardReply(QuestionCards.Help());
        }

        if (route is MessageRoute.Audits)
        {
            return await Audits.ListAsync(cancellationToken);
        }

        if (route is MessageRoute.More)
        {
            return await MoreAsync(chat, cancellationToken);
        }

        if (route is MessageRoute.Question)
        {
            return await AnswerAsync(chat, command.StartsWith("ask ", StringComparison.Ordinal) ? text[4..] : text, cancellationToken);
        }

        var person = await FindPersonAsync(chat.User, cancellationToken);
        switch (route)
        {
            case MessageRoute.MyTasks:
                return await Tasks.MyTasksAsync(person, cancellationToken);
            case MessageRoute.TasksPage:
                // "my tasks 2", "my tasks page 2": pages count from 1 for people, from 0 on the card.
                return int.TryParse(TasksPage().Match(command).Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page is >= 1 and < 10_000
                    ? await Tasks.MyTasksAsync(person, cancellationToken, page - 1)
                    : new TextReply("Pages start at 1: type **my tasks 2** for the second page of your tasks.");
            case MessageRoute.Assign:
                return await Tasks.AssignAsync(chat, person, text, cancellationToken);
            case MessageRoute.MyReviews:
                return await Reviews.MyReviewsAsync(person, cancellationToken);
            case MessageRoute.Review:
                return await Reviews.StartAsync(chat, person, text, cancellationToken);
            case MessageRoute.AuditAnchor:
                return await Audits.AnchorAsync(person, cancellationToken);
            case MessageRoute.AuditAdd:
                return await Audits.AddAsync(person, chat.User.Platform, text, cancellationToken);
            case MessageRoute.RunJob:
                return await Jobs.RunAsync(chat, person, text, cancellationToken);
            case MessageRoute.DueDate:
                return await Tasks.ChangeDueDateAsync(chat, person, text, cancellationToken);
            case MessageRoute.Subscription:
                return await Subscriptions.HandleAsync(chat, person, command, cancellationToken);
            default:
                return await Drafts.ListAsync(person, cancellationToken);
        }
    }

    private async Task<ChatReply> AnswerAsync(ChatEvent chat, string text, CancellationToken cancellationToken)
    {
        var askedBy = await PersonIdAsync(chat.User, cancellationToken);
        if (!limits.TryAsk(AskingLimits.KeyOf(chat.User, askedBy)))
        {
            return new TextReply("You're asking faster than I can keep up with. Please wait a minute and ask again.");
        }

        // The knowledge version stamp is read on every question: a draft approved on any instance answers from the next question on.
        var answerer = await knowledge.RefreshAsync(db, cancellationToken);
        // Only a question that may be a follow-up looks for the last topic: one that stands on its own needs no database trip.
        var key = TopicMemory.KeyOf(chat);
        var previous = QuestionAnswerer.MayFollowUp(text) ? await Topics.RecallAsync(key, cancellationToken) : null;
        var turn = answerer.Answer(text, previous);
        var answer = turn.Answer;

        var question = QuestionLog.Create(text, answer, chat.User.Platform, askedBy, chat.ConversationReferenceId, time.GetUtcNow());
        question.FollowUpKey = key;
        question.Topic = turn.Topic?.Serialize();
        questions.Enqueue(question);
        return turn.FollowUp == FollowUpKind.NoTopic
            ? new TextReply(answer.Text) // a hint, not an answer: nothing to pass to the compliance team
            : new CardReply(QuestionCards.Answer(answer, question.Id));
    }

    /// <summary>
    /// <c>more</c>: the whole of the list the last answer in this conversation shortened. The question is asked again
    /// (answers depend only on the question), so nothing but the question log is needed to find it.
    /// </summary>
    private async Task<ChatReply> MoreAsync(ChatEvent chat, CancellationToken cancellationToken)
    {
        await questions.FlushAsync(); // the last question may still be on its way to the database
        var askedBy = await PersonIdAsync(chat.User, cancellationToken);
        var recent = db.Questions.AsNoTracking().Where(q => q.ConversationReferenceId == chat.ConversationReferenceId && q.AskedOn == chat.User.Platform);
        if (askedBy is { } person)
        {
            recent = recent.Where(q => q.AskedById == person);
        }

        // Ids are version 7 GUIDs: their order is the order the questions were asked in.
        var last = await recent.OrderByDescending(q => q.Id).Select(q => q.Text).FirstOrDefaultAsync(cancellationToken);
        if (last is null)
        {
            return new TextReply("There's nothing to show more of yet: ask me a question first.");
        }

        var answerer = await knowledge.RefreshAsync(db, cancellationToken);
        return answerer.AnswerInFull(answerer.Answer(last).Shortened) is { } full
            ? new CardReply(QuestionCards.Answer(full))
            : new TextReply("My last answer here already showed everything. Ask another question, or type **help** to see what I can do.");
    }

    private async Task<ChatReply> OnCardActionAsync(ChatEvent chat, CancellationToken cancellationToken)
    {
        switch (chat.Verb)
        {
            case CardVerbs.Help:
                return new CardReply(QuestionCards.Help());
            case CardVerbs.QaRelated when chat.Value(CardDataKeys.Entry) is { } entryId && knowledge.Current.KnowledgeBase.ById.TryGetValue(entryId, out var entry):
                return await AnswerAsync(chat, entry.Title, cancellationToken);
            case CardVerbs.QaMore:
                return knowledge.Current.AnswerInFull(chat.Value(CardDataKeys.Reference)) is { } full
                    ? new CardReply(QuestionCards.Answer(full))
                    : new TextReply("Sorry, I can't find that list any more. Ask the question again to see it.");
            case CardVerbs.QaHandOff when Guid.TryParse(chat.Value(CardDataKeys.Question), out var questionId):
                return await HandOffAsync(chat, questionId, cancellationToken);
            case CardVerbs.QaAnswer when Guid.TryParse(chat.Value(CardDataKeys.Question), out var answeredId):
                return await AnswerHandedOffAsync(chat, answeredId, chat.Value(CardDataKeys.Answer), cancellationToken);
            case { } verb when verb.StartsWith("task.", StringComparison.Ordinal):
                return await Tasks.OnActionAsync(chat, await FindPersonAsync(chat.User, cancellationToken), cancellationToken);
            case { } verb when verb.StartsWith("kb.", StringComparison.Ordinal):
                return await Drafts.OnActionAsync(chat, await FindPersonAsync(chat.User, cancellationToken), cancellationToken);
            case CardVerbs.OutboxResend:
                return await Outbox.ResendAsync(chat, await FindPersonAsync(chat.User, cancellationToken), cancellationToken);
            case { } verb when verb.StartsWith("review.", StringComparison.Ordinal):
                return await Reviews.OnActionAsync(chat, await FindPersonAsync(chat.User, cancellationToken), cancellationToken);
            default:
                return new TextReply("Sorry, I don't recognise that button any more. Type **help** to see what I can do.");
        }
    }

    /// <summary>The asker passes an unanswered question to the compliance leads; a second click changes nothing.</summary>
    private async Task<ChatReply> HandOffAsync(ChatEvent chat, Guid questionId, CancellationToken cancellationToken)
    {
        await questions.FlushAsync(); // the question was asked moments ago: it may still be on its way to the database
        return await HandOffs.HandOffAsync(questionId, chat.User.UserId, chat.User.Name, rateLimits.Value.HandOffsPerHour, cancellationToken) switch
        {
            HandOffResult.NotFound => new TextReply("I can't find that question any more."),
            HandOffResult.TooMany => new TextReply("You've passed several questions to the compliance team in the last hour. Please wait a while before passing another, or contact them directly if it's urgent."),
            _ => new CardReply(QuestionCards.HandedOff(), ReplacesCard: true),
        };
    }

    /// <summary>A compliance lead answers a handed-off question; the answer goes back to the asker's conversation.</summary>
    private async Task<ChatReply> AnswerHandedOffAsync(ChatEvent chat, Guid questionId, string? text, CancellationToken cancellationToken)
    {
        var lead = await FindPersonAsync(chat.User, cancellationToken);
        await questions.FlushAsync();
        return await HandOffs.AnswerAsync(questionId, lead, text, cancellationToken) switch
        {
            LeadAnswerResult.NotLead => new TextReply("Only a compliance lead can answer questions passed to the compliance team."),
            LeadAnswerResult.Empty => new TextReply("Please type an answer before sending it."),
            LeadAnswerResult.NotFound => new TextReply("I can't find that question any more."),
            LeadAnswerResult.AlreadyAnswered => new TextReply("That question has already been answered."),
            // The lead's question card becomes the confirmation, from which the answer turns into a knowledge-base draft in one click.
            _ => new CardReply(DraftCards.AnswerSent(questionId), ReplacesCard: true),
        };
    }

    private async Task<Guid?> PersonIdAsync(ChatUser user, CancellationToken cancellationToken)
    {
        if (!known.TryFindPerson(user, out var person))
        {
            person = (await FindPersonAsync(user, cancellationToken))?.Id;
            known.RememberPerson(user, person);
        }

        return person;
    }

    private async Task<Person?> FindPersonAsync(ChatUser user, CancellationToken cancellationToken) => user.Platform switch
    {
        // The directory decides: the object id names the person, and their bound Teams id (if any) must be the sender's.
        Platform.Teams when user.DirectoryId is { Length: > 0 } objectId => await db.People.FirstOrDefaultAsync(
            p => p.EntraObjectId == objectId && (p.TeamsUserId == null || p.TeamsUserId == user.UserId), cancellationToken),
        Platform.Slack => await db.People.FirstOrDefaultAsync(p => p.SlackUserId == user.UserId, cancellationToken),
        Platform.Teams => null,
        _ when user.VerifiedPersonId is { } id => await db.People.FirstOrDefaultAsync(p => p.Id == id, cancellationToken),
        _ => null,
    };

    [GeneratedRegex(@"^(?:my )?tasks (?:page )?([0-9]{1,6})$")]
    private static partial Regex TasksPage();
}
