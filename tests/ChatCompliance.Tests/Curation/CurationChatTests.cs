using System.Net;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ChatCompliance.Tests.Curation;

public sealed class SqliteCurationChatTests() : CurationChatTests(new SqliteTestStore());

/// <summary>PostgreSQL once: the whole loop on the server the production deployment uses.</summary>
public sealed class PostgresCurationChatTests() : CurationChatTests(new PostgresTestStore())
{
    public override bool OnBothPlatformsOnly => true;
}

/// <summary>
/// The curation loop end to end over HTTP, on Teams and on Slack: someone asks what the bot can't answer and hands it
/// to the team; a lead answers and clicks <b>Save as draft</b>; the same lead may not approve their own answer while
/// another lead exists; the other lead types <c>kb drafts</c> and clicks <b>Approve</b>; the same question asked again
/// is answered from the new entry. Hostile clicks get a polite sentence and change nothing.
/// </summary>
[Collection(AppCollection.Name)]
public abstract class CurationChatTests(ITestStore store) : IAsyncLifetime
{
    private const string Question = "how often must the office fire drill be rehearsed";
    private const string TeamAnswer = "Rehearse the fire drill at least once a year and write down who took part.";

    private static readonly TeamsPerson TeamsAsker = new("ada@example.com", "29:ada", "aad-ada", "a:ada-conv");
    private static readonly TeamsPerson TeamsLena = new("lena@example.com", "29:lena", "aad-lena", "a:lena-conv");
    private static readonly TeamsPerson TeamsLou = new("lou@example.com", "29:lou", "aad-lou", "a:lou-conv");
    private static readonly SlackPerson SlackAsker = new("sid@example.com", "USID", "DSID");
    private static readonly SlackPerson SlackLena = new("lena@example.com", "ULENA", "DLENA");
    private static readonly SlackPerson SlackLou = new("lou@example.com", "ULOU", "DLOU");

    private ChatHarness _chat = null!;

    public virtual bool OnBothPlatformsOnly => false;

    public async Task InitializeAsync()
    {
        _chat = await ChatHarness.StartAsync(store);
        await using (var db = _chat.Db())
        {
            db.People.AddRange(
                new Person { Email = TeamsAsker.Email, DisplayName = "Ada Asker", TeamsUserId = TeamsAsker.TeamsId, EntraObjectId = TeamsAsker.Aad, CreatedAt = DateTimeOffset.UtcNow },
                new Person { Email = SlackAsker.Email, DisplayName = "Sid Asker", SlackUserId = SlackAsker.Id, SlackTeamId = "T1", CreatedAt = DateTimeOffset.UtcNow },
                Lead("lena@example.com", "Lena Lead", TeamsLena, SlackLena),
                Lead("lou@example.com", "Lou Lead", TeamsLou, SlackLou));
            await db.SaveChangesAsync();
        }

        // Everyone has talked to the bot before, so their personal conversations exist.
        foreach (var person in new[] { TeamsAsker, TeamsLena, TeamsLou })
        {
            await _chat.TeamsSayAsync(person, "help");
        }

        foreach (var person in new[] { SlackAsker, SlackLena, SlackLou })
        {
            await _chat.SlackSayAsync(person, "help");
        }
    }

    public async Task DisposeAsync() => await _chat.DisposeAsync();

    [Fact]
    public async Task On_Teams_a_leads_answer_saved_as_draft_and_approved_by_another_lead_answers_the_same_question_at_once()
    {
        var (_, first) = await _chat.TeamsSayAsync(TeamsAsker, Question);
        var handOff = TeamsButton(ChatHarness.CardOf(first), "Ask the team");
        Assert.Equal(HttpStatusCode.OK, (await _chat.TeamsClickAsync(TeamsAsker, handOff)).Status);
        var questionId = await QuestionIdAsync();

        var (_, sent) = await _chat.TeamsClickAsync(TeamsLena, Action("qa.answer", ("question", questionId.ToString())), new JsonObject { ["answer"] = TeamAnswer });
        var save = TeamsButton(sent!, "Save as draft");
        var (_, saved) = await _chat.TeamsClickAsync(TeamsLena, save);
        Assert.Contains("Saved as draft", ChatHarness.Words(saved!), StringComparison.Ordinal);
        var (_, again) = await _chat.TeamsClickAsync(TeamsLena, save); // a second click changes nothing
        Assert.Contains("already a draft", ChatHarness.Words(again!), StringComparison.Ordinal);
        var draft = await SingleDraftAsync();
        Assert.Equal(("how-often-must-the-office-fire-drill-be-rehearsed", "How often must the office fire drill be rehearsed", TeamAnswer, Question, "", "lena@example.com"),
            (draft.EntryId, draft.Title, draft.Body, draft.Phrasings, draft.References, draft.Owner));
        Assert.StartsWith("compliance team answer 20", draft.SourceTitle, StringComparison.Ordinal);
        Assert.Null(draft.SourceUrl);

        // Lena wrote it: she is told who can approve, and nothing changes.
        var (_, lenaList) = await _chat.TeamsSayAsync(TeamsLena, "kb drafts");
        var (_, refused) = await _chat.TeamsClickAsync(TeamsLena, TeamsButton(ChatHarness.CardOf(lenaList), "Approve"));
        Assert.Equal("You wrote this answer, so another compliance lead must approve it: Lou Lead.", (string?)refused);
        Assert.Equal(DraftStatus.Pending, (await SingleDraftAsync()).Status);

        var (_, louList) = await _chat.TeamsSayAsync(TeamsLou, "kb drafts");
        Assert.Contains(TeamAnswer, ChatHarness.Words(ChatHarness.CardOf(louList)), StringComparison.Ordinal);
        var (_, approved) = await _chat.TeamsClickAsync(TeamsLou, TeamsButton(ChatHarness.CardOf(louList), "Approve"));
        Assert.Contains("I answer from it now", ChatHarness.Words(approved!), StringComparison.Ordinal);

        var (_, answer) = await _chat.TeamsSayAsync(TeamsAsker, Question);
        var card = ChatHarness.CardOf(answer);
        Assert.Contains(TeamAnswer, ChatHarness.Words(card), StringComparison.Ordinal);
        Assert.Contains("From the knowledge base", ChatHarness.Words(card), StringComparison.Ordinal);
        await AssertAuditedAsync(["kb.draft_created", "kb.draft_refused", "kb.draft_approved"]);
    }

    [Fact]
    public async Task On_Slack_a_leads_answer_saved_as_draft_edited_and_approved_by_another_lead_answers_the_same_question_at_once()
    {
        var first = await _chat.SlackSayAsync(SlackAsker, Question);
        Assert.Equal(HttpStatusCode.OK, await _chat.SlackClickAsync(SlackAsker, SlackButton(first, "Ask the team")));
        var questionId = await QuestionIdAsync();

        Assert.Equal(HttpStatusCode.OK, await _chat.SlackClickAsync(SlackLou, SlackAction("qa.answer", ("question", questionId.ToString())), ("answer", TeamAnswer)));
        var sent = (await ChatHarness.WaitForAsync(() => Updated(SlackLou, "Save as draft"), 1))[^1];
        Assert.Equal(HttpStatusCode.OK, await _chat.SlackClickAsync(SlackLou, SlackButton(sent, "Save as draft")));
        await ChatHarness.WaitForAsync(() => Updated(SlackLou, "Saved as draft"), 1);

        // Lena edits it (phrasings one a line) before approving it.
        await _chat.SlackSayAsync(SlackLena, "kb drafts");
        var list = (await ChatHarness.WaitForAsync(() => Posted(SlackLena, "waiting for review"), 1))[^1]; // the hand-off card may arrive in between
        Assert.Equal(HttpStatusCode.OK, await _chat.SlackClickAsync(SlackLena, SlackButton(list, "Edit")));
        var form = (await ChatHarness.WaitForAsync(() => Updated(SlackLena, "Edit draft"), 1))[^1];
        Assert.Contains(form["blocks"]!.AsArray(), b => (string?)b?["element"]?["initial_value"] == TeamAnswer);
        Assert.Equal(HttpStatusCode.OK, await _chat.SlackClickAsync(SlackLena, SlackButton(form, "Save"),
            ("title", "How often is a fire drill rehearsed?"), ("body", TeamAnswer), ("phrasings", Question + "\nfire drill how often\nhow frequently do we run fire drills")));
        var edited = (await ChatHarness.WaitForAsync(() => Updated(SlackLena, "saved."), 1))[^1];
        Assert.Equal(("How often is a fire drill rehearsed?", 3), ((await SingleDraftAsync()).Title, (await SingleDraftAsync()).Phrasings.Split('\n').Length));

        Assert.Equal(HttpStatusCode.OK, await _chat.SlackClickAsync(SlackLena, SlackButton(edited, "Approve")));
        await ChatHarness.WaitForAsync(() => Updated(SlackLena, "I answer from it now"), 1);
        Assert.Equal(DraftStatus.Approved, (await SingleDraftAsync()).Status);

        var answer = await _chat.SlackSayAsync(SlackAsker, Question);
        Assert.Contains(TeamAnswer, ChatHarness.Words(answer), StringComparison.Ordinal);
        var other = await _chat.SlackSayAsync(SlackAsker, "how frequently do we run fire drills");
        Assert.Contains(TeamAnswer, ChatHarness.Words(other), StringComparison.Ordinal);
        await AssertAuditedAsync(["kb.draft_created", "kb.draft_edited", "kb.draft_approved"]);
    }

    [Fact]
    public async Task Hostile_clicks_and_commands_get_a_polite_sentence_and_change_nothing()
    {
        if (OnBothPlatformsOnly)
        {
            return;
        }

        var (_, first) = await _chat.TeamsSayAsync(TeamsAsker, Question);
        await _chat.TeamsClickAsync(TeamsAsker, TeamsButton(ChatHarness.CardOf(first), "Ask the team"));
        var questionId = await QuestionIdAsync();

        // Not a lead: no draft from a question, no list, no decision.
        var (_, notLead) = await _chat.TeamsClickAsync(TeamsAsker, Action("kb.draft_save", ("question", questionId.ToString())));
        Assert.Equal("Only a compliance lead can curate the knowledge base.", (string?)notLead);
        var (_, listRefused) = await _chat.TeamsSayAsync(TeamsAsker, "kb drafts");
        Assert.Equal("Only a compliance lead can curate the knowledge base.", ChatHarness.TextOf(listRefused));

        // A lead saving a question nobody answered yet.
        var (_, unanswered) = await _chat.TeamsClickAsync(TeamsLena, Action("kb.draft_save", ("question", questionId.ToString())));
        Assert.StartsWith("That question has no answer from the compliance team yet", (string?)unanswered, StringComparison.Ordinal);

        // An oversize answer cannot become a draft.
        await _chat.TeamsClickAsync(TeamsLena, Action("qa.answer", ("question", questionId.ToString())), new JsonObject { ["answer"] = new string('x', 3500) });
        var (_, tooLong) = await _chat.TeamsClickAsync(TeamsLena, Action("kb.draft_save", ("question", questionId.ToString())));
        Assert.StartsWith("That answer is longer than an entry can be", (string?)tooLong, StringComparison.Ordinal);

        // Bad and unknown ids, a bad version.
        var (_, badId) = await _chat.TeamsClickAsync(TeamsLou, Action("kb.draft_approve", ("draft", "../../etc"), ("version", "1")));
        var (_, unknown) = await _chat.TeamsClickAsync(TeamsLou, Action("kb.draft_approve", ("draft", Guid.NewGuid().ToString()), ("version", "1")));
        var (_, badVersion) = await _chat.TeamsClickAsync(TeamsLou, Action("kb.draft_reject", ("draft", Guid.NewGuid().ToString()), ("version", "-3")));
        var (_, unknownSave) = await _chat.TeamsClickAsync(TeamsLou, Action("kb.draft_save", ("question", Guid.NewGuid().ToString())));
        Assert.StartsWith("Sorry, I don't recognise that button", (string?)badId, StringComparison.Ordinal);
        Assert.Equal("I can't find that draft any more.", (string?)unknown);
        Assert.StartsWith("Sorry, I don't recognise that button", (string?)badVersion, StringComparison.Ordinal);
        Assert.Equal("I can't find that question any more.", (string?)unknownSave);

        await using var db = _chat.Db();
        Assert.Empty(await db.KnowledgeDrafts.ToListAsync());
        Assert.False(await db.AuditTrail.AnyAsync(e => e.SubjectType == AuditSubjects.KnowledgeDraft));
    }

    [Fact]
    public async Task Approving_twice_rejecting_after_approval_and_editing_after_a_decision_change_nothing()
    {
        if (OnBothPlatformsOnly)
        {
            return;
        }

        var (_, first) = await _chat.TeamsSayAsync(TeamsAsker, Question);
        await _chat.TeamsClickAsync(TeamsAsker, TeamsButton(ChatHarness.CardOf(first), "Ask the team"));
        var questionId = await QuestionIdAsync();
        await _chat.TeamsClickAsync(TeamsLena, Action("qa.answer", ("question", questionId.ToString())), new JsonObject { ["answer"] = TeamAnswer });
        await _chat.TeamsClickAsync(TeamsLena, Action("kb.draft_save", ("question", questionId.ToString())));
        var draft = await SingleDraftAsync();
        var ids = new[] { ("draft", draft.Id.ToString()), ("version", draft.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)) };

        await _chat.TeamsClickAsync(TeamsLou, Action("kb.draft_approve", ids));
        var approved = await SingleDraftAsync();
        var (_, twice) = await _chat.TeamsClickAsync(TeamsLou, Action("kb.draft_approve", ("draft", draft.Id.ToString()), ("version", approved.Version.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var (_, reject) = await _chat.TeamsClickAsync(TeamsLena, Action("kb.draft_reject", ("draft", draft.Id.ToString())));
        var (_, edit) = await _chat.TeamsClickAsync(TeamsLena, Action("kb.draft_update", ("draft", draft.Id.ToString())), new JsonObject { ["title"] = "x", ["body"] = "y", ["phrasings"] = "z" });

        Assert.Contains("is already approved", ChatHarness.Words(twice!), StringComparison.Ordinal);
        Assert.Contains("can't be rejected", (string?)reject, StringComparison.Ordinal);
        Assert.Contains("can't be edited any more", (string?)edit, StringComparison.Ordinal);
        var after = await SingleDraftAsync();
        Assert.Equal((DraftStatus.Approved, approved.Version, approved.Title, approved.Body), (after.Status, after.Version, after.Title, after.Body));
        await AssertAuditedAsync(["kb.draft_created", "kb.draft_approved"]);
    }

    private static Person Lead(string email, string name, TeamsPerson teams, SlackPerson slack) => new()
    {
        Email = email,
        DisplayName = name,
        Roles = PersonRoles.Employee | PersonRoles.ComplianceLead,
        TeamsUserId = teams.TeamsId,
        EntraObjectId = teams.Aad,
        SlackUserId = slack.Id,
        SlackTeamId = "T1",
        CreatedAt = DateTimeOffset.UtcNow,
    };

    private async Task<Guid> QuestionIdAsync()
    {
        await using var db = _chat.Db();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (await db.Questions.AsNoTracking().Where(q => q.Text == Question && q.Status == QuestionStatus.HandedOff).Select(q => (Guid?)q.Id).FirstOrDefaultAsync() is { } id)
            {
                return id;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("the question was not handed off");
    }

    private async Task<KnowledgeDraft> SingleDraftAsync()
    {
        await using var db = _chat.Db();
        return Assert.Single(await db.KnowledgeDrafts.AsNoTracking().ToListAsync());
    }

    private async Task AssertAuditedAsync(string[] actions)
    {
        await using var db = _chat.Db();
        var entries = await db.AuditTrail.AsNoTracking().Where(e => e.SubjectType == AuditSubjects.KnowledgeDraft).OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync();
        Assert.Equal(actions, entries);
        var report = await AuditChainVerifier.VerifyAsync(db, _chat.App.Services.GetRequiredService<AuditKeyRing>());
        Assert.True(report.Intact, report.Summary);
    }

    private List<JsonObject> Posted(SlackPerson user, string words) =>
        [.. _chat.SlackCalls("chat.postMessage", user.Channel).Where(m => ChatHarness.Words(m).Contains(words, StringComparison.Ordinal))];

    private List<JsonObject> Updated(SlackPerson user, string words) =>
        [.. _chat.SlackCalls("chat.update", user.Channel).Where(m => ChatHarness.Words(m).Contains(words, StringComparison.Ordinal))];

    private static JsonObject Action(string verb, params (string Key, string Value)[] data)
    {
        var values = new JsonObject();
        foreach (var (key, value) in data)
        {
            values[key] = value;
        }

        return new JsonObject { ["verb"] = verb, ["data"] = values };
    }

    private static JsonObject SlackAction(string verb, params (string Key, string Value)[] data)
    {
        var values = new JsonObject();
        foreach (var (key, value) in data)
        {
            values[key] = value;
        }

        return new JsonObject { ["action_id"] = verb, ["value"] = values.ToJsonString() };
    }

    private static JsonObject TeamsButton(JsonNode card, string title) =>
        ChatHarness.Objects(card).First(o => (string?)o["type"] == "Action.Execute" && (string?)o["title"] == title);

    private static JsonObject SlackButton(JsonNode message, string title) =>
        ChatHarness.Objects(message).First(o => (string?)o["type"] == "button" && (string?)o["text"]?["text"] == title);
}
