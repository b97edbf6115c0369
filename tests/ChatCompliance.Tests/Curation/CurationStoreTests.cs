using System.Globalization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Curation;
using ChatCompliance.Core.Digests;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using ChatCompliance.Tests.Knowledge;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Curation;

/// <summary>
/// Approved drafts on more than one instance and across restarts, their export to entry files that <c>kb check</c>
/// judges, and the weekly digest's "worth an entry" line.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class CurationStoreTests : IDisposable
{
    private const string Question = "how often must the office fire drill be rehearsed";
    private readonly string _data = Directory.CreateTempSubdirectory("cc-curation-").FullName;

    [Fact]
    public async Task A_draft_approved_on_one_instance_answers_on_another_at_the_next_question_and_after_a_restart()
    {
        await using (var first = ComplianceApp.OnSqlite(_data))
        await using (var second = ComplianceApp.OnSqlite(_data))
        {
            first.CreateClient().Dispose();
            second.CreateClient().Dispose();
            Assert.True((await AnswerAsync(second, Question)).Abstained); // the second instance has read the stamp: no drafts yet

            var draft = await ApproveAsync(first);

            Assert.Equal(draft.EntryId, (await AnswerAsync(second, Question)).EntryId);
        }

        await using var restarted = ComplianceApp.OnSqlite(_data);
        restarted.CreateClient().Dispose();
        var answer = await AnswerAsync(restarted, Question);
        Assert.Equal(("how-often-must-the-office-fire-drill-be-rehearsed", AnswerKind.Entry), (answer.EntryId, answer.Kind));
    }

    [Fact]
    public void An_exported_draft_is_accepted_by_kb_check_once_complete_and_kb_check_says_what_an_incomplete_one_lacks()
    {
        var folder = CopyOfKnowledge();
        var complete = Draft("what-is-a-bridge-letter", "What is a bridge letter?", "what is a bridge letter\nbridge letter soc 2\ngap letter between soc reports\ndo we need a bridge letter",
            "SOC2:CC2.3", "AICPA, SOC 2 examinations", "https://www.aicpa-cima.com/topic/audit-assurance/audit-and-assurance-greater-than-soc-2");
        var incomplete = Draft("who-rehearses-fire-drills", "Who rehearses \"fire\" drills?", "who rehearses fire drills", "", DraftRules.TeamAnswerTitle(new DateOnly(2026, 12, 7)), null);

        var exported = DraftExport.Write([complete, incomplete], folder);

        Assert.Empty(exported.Single(e => e.EntryId == complete.EntryId).Missing);
        Assert.Equal(
            [
                "needs at least 4 questions",
                "needs at least one reference",
                "source 'compliance team answer 2026-12-07' is the compliance team's own answer: add the primary source it rests on (a title and its http(s) address from AICPA, ISO, IAF, a regulator or an audit firm)",
            ],
            exported.Single(e => e.EntryId == incomplete.EntryId).Missing.Order(StringComparer.Ordinal));
        File.Delete(Path.Combine(folder, "entries", incomplete.EntryId + ".md"));
        var (kb, problems) = KnowledgeBase.Load(folder);
        Assert.Empty(problems);
        Assert.Equal("What is a bridge letter?", kb.ById[complete.EntryId].Title);
        Assert.False(DraftExport.Write([complete], folder).Single().Written); // an exported (maybe edited) file is left alone
    }

    [Fact]
    public async Task Questions_handed_off_twice_or_more_appear_in_the_digest_as_worth_an_entry()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
        var store = new SqliteTestStore();
        await store.InitializeAsync();
        try
        {
            await using var db = store.NewContext();
            await db.Database.MigrateAsync();
            db.Questions.AddRange(
                Handed("Do we need a fire warden?", time, 1),
                Handed("do we need a FIRE warden", time, 3),
                Handed("do we need a fire warden!", time, 5),
                Handed("how long do we keep visitor logs", time, 2),
                Handed("Do we need a fire warden?", time, 45)); // older than the window
            await db.SaveChangesAsync();

            var figures = await new WeeklyDigest(db, time).BuildAsync(new DateOnly(2026, 12, 7));

            var line = Assert.Single(figures.WorthAnEntry);
            Assert.Equal((3, (string?)null), (line.Times, line.NearEntry));
            Assert.Equal("do we need a fire warden", DraftRules.Normalise(line.Question));
            var card = ChatCompliance.Integrations.Slack.Blocks.BlockKitRenderer.Render(DigestCards.Weekly(figures));
            Assert.Contains("Worth an entry", card.Blocks!.ToJsonString(), StringComparison.Ordinal);
            Assert.Contains("asked 3 times", card.Blocks!.ToJsonString(), StringComparison.Ordinal);
        }
        finally
        {
            await store.DisposeAsync();
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file for a moment; the temp folder is cleaned up by the machine.
        }
    }

    private static Question Handed(string text, TimeProvider time, int daysAgo) => new()
    {
        Text = text, AskedAt = time.GetUtcNow().AddDays(-daysAgo), HandedOffAt = time.GetUtcNow().AddDays(-daysAgo), Status = QuestionStatus.HandedOff,
    };

    private static async Task<KnowledgeAnswer> AnswerAsync(ComplianceApp app, string question)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        return (await app.Services.GetRequiredService<CuratedKnowledge>().RefreshAsync(db)).Answer(question);
    }

    private static async Task<KnowledgeDraft> ApproveAsync(ComplianceApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var lena = new Person { Email = "lena@example.com", DisplayName = "Lena Lead", Roles = PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UtcNow };
        var lou = new Person { Email = "lou@example.com", DisplayName = "Lou Lead", Roles = PersonRoles.ComplianceLead, CreatedAt = DateTimeOffset.UtcNow };
        var question = new Question
        {
            Text = Question, AskedAt = DateTimeOffset.UtcNow, HandedOffAt = DateTimeOffset.UtcNow, Status = QuestionStatus.AnsweredByLead,
            Answer = "Rehearse the fire drill at least once a year.", AnsweredById = lena.Id, AnsweredAt = DateTimeOffset.UtcNow,
        };
        db.People.AddRange(lena, lou);
        db.Questions.Add(question);
        await db.SaveChangesAsync();
        var drafts = scope.ServiceProvider.GetRequiredService<KnowledgeDrafts>();
        var saved = await drafts.SaveFromAnswerAsync(question.Id, new TaskActor(lena, Platform.Teams));
        var approved = await drafts.ApproveAsync(saved.Draft!.Id, saved.Draft.Version, new TaskActor(lou, Platform.Slack));
        Assert.Equal(DraftOutcomeKind.Done, approved.Kind);
        return approved.Draft!;
    }

    private static KnowledgeDraft Draft(string id, string title, string phrasings, string references, string sourceTitle, string? sourceUrl) => new()
    {
        EntryId = id, Title = title, Body = "A letter from **management** covering the gap between two report periods.", Phrasings = phrasings, References = references,
        SourceTitle = sourceTitle, SourceUrl = sourceUrl, Owner = "lena@example.com", Status = DraftStatus.Approved,
        CreatedAt = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero), ReviewedAt = new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero),
    };

    /// <summary>A copy of the repository's knowledge/ folder (catalogs and entries) to export into.</summary>
    private string CopyOfKnowledge()
    {
        var source = Path.Combine(KnowledgeFixture.RepositoryRoot, "knowledge");
        var target = Path.Combine(_data, "knowledge");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }
}
