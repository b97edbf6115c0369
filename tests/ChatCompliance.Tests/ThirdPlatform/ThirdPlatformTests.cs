using ChatCompliance.Bot.Conversation;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Chat;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.ThirdPlatform;

/// <summary>
/// The seam: a third chat platform added as this folder plus one registration line runs the whole evidence-task flow.
/// A lead assigns a task in chat, the owner gets the card through the outbox, submits evidence from it, the lead gets
/// their card and accepts, and the owner's posted card is replaced through the outbox with the accepted state.
/// </summary>
public sealed class ThirdPlatformTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-third-").FullName;
    private readonly MemoryPlatform _platform = new();
    private ComplianceApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = new ComplianceApp(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data, ["Outbox:PollInterval"] = "00:00:00.050" }, services =>
        {
            services.AddSingleton(_platform);
            services.AddScoped<IChatChannel, MemoryChannel>(); // the one registration line
        });
        _ = _app.Server; // start the host: migrations, the dispatcher
        await Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task The_task_flow_runs_on_a_platform_added_as_one_adapter()
    {
        var lead = await PersonAsync("lee@example.com", "Lee Lead", PersonRoles.Employee | PersonRoles.ComplianceLead);
        var owner = await PersonAsync("olive@example.com", "Olive Owner", PersonRoles.Employee);
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            db.Controls.Add(new Control { Code = "AC-01", Title = "Access reviews", Soc2Refs = ["CC6.2"] });
            await db.SaveChangesAsync();
        }

        var adapter = new MemoryAdapter(_app.Services, _platform);
        var leadChat = await adapter.OpenAsync(lead);
        var ownerChat = await adapter.OpenAsync(owner);
        var due = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(20).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The lead assigns; the owner's card arrives through the outbox.
        var assigned = Assert.IsType<TextReply>(await adapter.SayAsync(lead, leadChat, $"assign AC-01 quarterly access review to olive@example.com due {due}"));
        Assert.DoesNotContain("haven't talked to me", assigned.Text, StringComparison.Ordinal);
        var ownerCard = await ArrivedAsync(ownerChat.ConversationId, 1);

        // The owner opens the submit form on the card, and submits a link.
        var form = Assert.IsType<CardReply>(await adapter.ClickAsync(owner, ownerChat, ownerCard.MessageId, Action(ownerCard.Card, CardVerbs.TaskForm, TaskForms.Submit)));
        var submitted = Assert.IsType<CardReply>(await adapter.ClickAsync(owner, ownerChat, ownerCard.MessageId, Action(form.Card, CardVerbs.TaskSubmit),
            (CardDataKeys.EvidenceUrl, "https://evidence.example.com/ac-01")));
        Assert.Contains("https://evidence.example.com/ac-01", Words(submitted.Card), StringComparison.Ordinal);

        // The lead's card to decide on arrives through the outbox; the lead accepts from it.
        var leadCard = await ArrivedAsync(leadChat.ConversationId, 1);
        await adapter.ClickAsync(lead, leadChat, leadCard.MessageId, Action(leadCard.Card, CardVerbs.TaskAccept));

        // The owner's posted card is replaced, through the outbox, with the accepted state.
        await OutboxWait.UntilAsync(() => Task.FromResult(_platform.Replacements.Any(r => r.Conversation == ownerChat.ConversationId && r.MessageId == ownerCard.MessageId
            && Words(r.Card).Contains("ccepted", StringComparison.Ordinal))), "the owner's card shows the acceptance", TimeSpan.FromSeconds(15));
        Assert.DoesNotContain(CardVerbs.TaskForm, _platform.Showing(ownerChat.ConversationId, ownerCard.MessageId).Actions.OfType<CardAction>().Select(a => a.Verb));
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            Assert.Equal(EvidenceTaskStatus.Accepted, (await db.EvidenceTasks.SingleAsync()).Status);
            Assert.All(await db.Outbox.AsNoTracking().ToListAsync(), o => Assert.NotNull(o.SentAt)); // nothing stuck, nothing dead
        }
    }

    private async Task<Person> PersonAsync(string email, string name, PersonRoles roles)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var person = new Person { Email = email, DisplayName = name, Roles = roles, CreatedAt = DateTimeOffset.UtcNow };
        db.People.Add(person);
        await db.SaveChangesAsync();
        return person;
    }

    private async Task<(string MessageId, Card Card)> ArrivedAsync(string conversation, int count)
    {
        await OutboxWait.UntilAsync(() => Task.FromResult(_platform.Posts.Count(p => p.Conversation == conversation) >= count), $"{count} card(s) in {conversation}", TimeSpan.FromSeconds(15));
        var post = _platform.Posts.Last(p => p.Conversation == conversation);
        return (post.MessageId, post.Card);
    }

    private static CardAction Action(Card card, string verb, string? form = null) =>
        card.Actions.Concat(card.Body.OfType<RowsElement>().SelectMany(r => r.Rows).SelectMany(r => r.Actions)).OfType<CardAction>()
            .First(a => a.Verb == verb && (form is null || a.Data.GetValueOrDefault(CardDataKeys.Form) == form));

    private static string Words(Card card) => CardJson.Serialize(card);
}
