using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Digests;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Integrations.Teams.Cards;
using ChatCompliance.Tests.Knowledge;

namespace ChatCompliance.Tests.Cards;

/// <summary>Text and cards read well on each platform: unwrapped answers, mrkdwn on Slack, short button labels.</summary>
public sealed partial class ReadableTextTests(KnowledgeFixture knowledge) : IClassFixture<KnowledgeFixture>
{
    private static readonly DateOnly Today = new(2026, 12, 6);

    [Fact]
    public void Every_knowledge_entry_reads_on_Slack_as_mrkdwn_without_Markdown_leftovers_or_mid_sentence_breaks()
    {
        var problems = new List<string>();
        foreach (var entry in knowledge.KnowledgeBase.Entries)
        {
            var message = BlockKitRenderer.Render(QuestionCards.Answer(AnswerOf(entry)));
            foreach (var text in MrkdwnTexts(message.Blocks).Append(message.Text))
            {
                problems.AddRange(MarkdownLeftovers(text).Select(p => $"{entry.Id}: {p}"));
            }

            var answer = (string)message.Blocks.First(b => (string?)b!["type"] == "section")!["text"]!["text"]!;
            problems.AddRange(MidSentenceBreaks(answer).Select(p => $"{entry.Id}: {p}"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_knowledge_entry_reads_on_Teams_as_unwrapped_paragraphs()
    {
        var problems = new List<string>();
        foreach (var entry in knowledge.KnowledgeBase.Entries)
        {
            var card = AdaptiveCardRenderer.Render(QuestionCards.Answer(AnswerOf(entry)));
            var answer = (string)card["body"]!.AsArray().First(b => (string?)b!["type"] == "TextBlock" && (string?)b["style"] != "heading" && b["isSubtle"] is null)!["text"]!;
            problems.AddRange(MidSentenceBreaks(answer).Select(p => $"{entry.Id}: {p}"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Unwrap_WrappedParagraphListAndHeading_JoinsOnlyTheWraps()
    {
        const string wrapped = "# Heading\nFirst paragraph is\nwrapped here.\n\n- an item that\n  wraps too\n- a second item\n\nA hard break  \nstays.";

        var unwrapped = ParagraphText.Unwrap(wrapped);

        Assert.Equal("# Heading\nFirst paragraph is wrapped here.\n\n- an item that wraps too\n- a second item\n\nA hard break  \nstays.", unwrapped);
    }

    [Fact]
    public void RenderText_BoldAndEscapedText_IsMrkdwnOnSlack()
    {
        var message = BlockKitRenderer.RenderText($"Booked **{CardText.Escape("SOC 2 <Type 2> & [audit](x)")}** on 2027-01-15. See [the guide](https://example.org/guide).");

        var text = (string)message.Blocks[0]!["text"]!["text"]!;
        Assert.Equal("Booked *SOC 2 &lt;Type 2&gt; &amp; [audit](x)* on 2027-01-15. See <https://example.org/guide|the guide>.", text);
        Assert.Equal(text, message.Text);
    }

    public static TheoryData<string> AppCards => [.. EveryCard().Keys];

    [Theory]
    [MemberData(nameof(AppCards))]
    public void Every_card_the_app_builds_keeps_its_button_titles_within_the_limit_on_both_platforms(string name)
    {
        var card = EveryCard()[name];

        var titles = card.Actions.Concat(card.Body.OfType<RowsElement>().SelectMany(r => r.Rows).SelectMany(r => r.Actions)).Select(b => b.Title).ToList();
        Assert.All(titles, t => Assert.InRange(t.Length, 1, CardButton.MaxTitleLength));
        var teams = TeamsButtonTitles(AdaptiveCardRenderer.Render(card)).ToList();
        var slack = SlackButtonTitles(BlockKitRenderer.Render(card).Blocks).ToList();
        Assert.Equal(titles.Order(), teams.Order());
        Assert.Equal(titles.Order(), slack.Order());
    }

    [Fact]
    public void Every_card_the_app_builds_includes_every_kind_of_card() =>
        Assert.Superset(new HashSet<string> { "answer", "answer-abstained", "crosswalk", "task-owner", "task-lead", "task-form-extend", "task-list", "review-page", "review-bulk", "remediation", "digest", "chaser-reminder", "announcement" }, EveryCard().Keys.ToHashSet());

    [Fact]
    public void Fit_LongTitle_IsCutAtAWordWithAnEllipsis()
    {
        Assert.Equal("Keep", CardButton.Fit("Keep"));
        Assert.Equal("Accept all…", CardButton.Fit("Accept all recommendations"));
        Assert.InRange(CardButton.Fit(new string('x', 40)).Length, 1, CardButton.MaxTitleLength);
    }

    [Fact]
    public void A_row_recommended_for_revoking_leads_with_Revoke_and_Keep_is_a_plain_button_on_both_platforms()
    {
        var (flagged, kept) = (ReviewItem(ReviewRecommendation.Revoke), ReviewItem(ReviewRecommendation.Keep));
        var card = ReviewCards.ReviewerPage(ReviewDecisions.Paged(Campaign, Reviewer, [flagged, kept], 0, 10), null);
        var rows = card.Body.OfType<RowsElement>().Single().Rows;

        var flaggedRow = rows.Single(r => r.Cells[0].Contains("Flagged", StringComparison.Ordinal)).Actions.Cast<CardAction>().ToList();
        Assert.Equal(["Revoke", "Keep", "Not sure"], flaggedRow.Select(a => a.Title));
        Assert.Equal(CardActionStyle.Destructive, flaggedRow[0].Style);
        Assert.Equal(CardActionStyle.Default, flaggedRow[1].Style);
        var keptRow = rows.Single(r => r.Cells[0].Contains("Fine", StringComparison.Ordinal)).Actions.Cast<CardAction>().ToList();
        Assert.Equal(["Keep", "Revoke", "Not sure"], keptRow.Select(a => a.Title));
        Assert.Equal(CardActionStyle.Positive, keptRow[0].Style);

        // Teams: the flagged row's first button is the destructive Revoke; Keep has no style.
        var teamsRows = AdaptiveCardRenderer.Render(card)["body"]!.AsArray().Single(b => (string?)b!["type"] == "Container")!["items"]!.AsArray();
        var teamsFlagged = teamsRows.Single(r => r!.ToJsonString().Contains("Flagged", StringComparison.Ordinal))!["items"]![1]!["actions"]!.AsArray();
        Assert.Equal("Revoke", (string?)teamsFlagged[0]!["title"]);
        Assert.Equal("destructive", (string?)teamsFlagged[0]!["style"]);
        Assert.Null(teamsFlagged[1]!["style"]);

        // Slack: the flagged row's first button is danger-styled Revoke; Keep is not primary.
        var blocks = BlockKitRenderer.Render(card).Blocks;
        var flaggedSection = blocks.IndexOf(blocks.First(b => b!.ToJsonString().Contains("Flagged", StringComparison.Ordinal)));
        var slackFlagged = blocks[flaggedSection + 1]!["elements"]!.AsArray();
        Assert.Equal("Revoke", (string?)slackFlagged[0]!["text"]!["text"]);
        Assert.Equal("danger", (string?)slackFlagged[0]!["style"]);
        Assert.Null(slackFlagged[1]!["style"]);
    }

    [Fact]
    public void A_lead_deciding_on_evidence_sees_the_period_it_covers_on_both_platforms()
    {
        var task = Task(EvidenceTaskStatus.Submitted);
        task.EvidenceEffectiveFrom = new DateOnly(2026, 10, 1);
        task.EvidenceEffectiveTo = new DateOnly(2026, 12, 31);

        var card = TaskCards.Lead(task, Today);

        Assert.Contains(new Fact("Evidence covers", "2026-10-01 to 2026-12-31"), card.Body.OfType<FactsElement>().Single().Facts);
        Assert.Contains("2026-10-01 to 2026-12-31", AdaptiveCardRenderer.Render(card).ToJsonString(), StringComparison.Ordinal);
        Assert.Contains("2026-10-01 to 2026-12-31", BlockKitRenderer.Render(card).Blocks.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EvidenceTaskStatus.Open, "Returned by the compliance team: The export is for Q2, not Q4.")]
    [InlineData(EvidenceTaskStatus.Accepted, "Accepted by the compliance team: The export is for Q2, not Q4.")]
    public void An_owner_whose_evidence_was_decided_sees_the_leads_reason_on_both_platforms(EvidenceTaskStatus status, string expected)
    {
        var task = Task(status);
        task.DecidedAt = new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
        task.DecisionReason = "The export is for Q2, not Q4.";

        var card = TaskCards.Owner(task, Today);

        Assert.Contains(card.Body.OfType<TextElement>(), t => t.Text == expected);
        Assert.Contains(expected, AdaptiveCardRenderer.Render(card).ToJsonString(), StringComparison.Ordinal);
        Assert.Contains(expected, BlockKitRenderer.Render(card).Blocks.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-06", "Week of Mon 30 Nov 2026")] // a Sunday: the week that ends today
    [InlineData("2026-12-07", "Week of Mon 7 Dec 2026")] // the digest's own Monday
    [InlineData("2026-12-10", "Week of Mon 7 Dec 2026")]
    [InlineData("2027-01-01", "Week of Mon 28 Dec 2026")]
    public void The_weekly_digest_is_labelled_with_the_week_it_covers(string today, string expected)
    {
        var card = DigestCards.Weekly(Figures(DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(expected, card.Header?.Subtitle);
    }

    [Fact]
    public void A_shortened_crosswalk_answer_offers_Show_all_and_the_full_answer_lists_every_pair()
    {
        var pairs = knowledge.KnowledgeBase.Catalog.PairsOf("SOC2:CC6.1");
        Assert.True(pairs.Count > 8, "CC6.1 maps to more items than an answer shows at first");

        var shortened = knowledge.Answerer.Answer("what maps to CC6.1?");
        var card = QuestionCards.Answer(shortened);
        var full = knowledge.Answerer.AnswerInFull(shortened.Shortened);

        Assert.Equal("SOC2:CC6.1", shortened.Shortened);
        Assert.Contains("more.", shortened.Text, StringComparison.Ordinal);
        var showAll = card.Actions.OfType<CardAction>().Single(a => a.Verb == CardVerbs.QaMore);
        Assert.Equal("SOC2:CC6.1", showAll.Data[CardDataKeys.Reference]);
        Assert.NotNull(full);
        Assert.Null(full.Shortened);
        Assert.DoesNotContain("more.", full.Text, StringComparison.Ordinal);
        Assert.All(pairs, p => Assert.Contains($"**{knowledge.KnowledgeBase.Catalog.Find(p.IsoRef)!.Code}**", full.Text, StringComparison.Ordinal));
        Assert.DoesNotContain(QuestionCards.Answer(full).Actions.OfType<CardAction>(), a => a.Verb == CardVerbs.QaMore);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("SOC2:ZZ9.9")]
    [InlineData("<script>")]
    public void AnswerInFull_UnknownReference_IsNull(string? reference) =>
        Assert.Null(knowledge.Answerer.AnswerInFull(reference));

    private static KnowledgeAnswer AnswerOf(KnowledgeEntry entry) =>
        new(AnswerKind.Entry, entry.Answer, entry.Id, entry.Title, [], entry.Sources, [], 0.9);

    /// <summary>Every mrkdwn text in the blocks (sections, fields, context elements).</summary>
    private static IEnumerable<string> MrkdwnTexts(JsonArray blocks) =>
        blocks.SelectMany(b => Descendants(b!)).OfType<JsonObject>()
            .Where(o => (string?)o["type"] == "mrkdwn")
            .Select(o => (string)o["text"]!);

    private static IEnumerable<JsonNode> Descendants(JsonNode node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children.OfType<JsonNode>().SelectMany(Descendants))
        {
            yield return child;
        }
    }

    private static IEnumerable<string> MarkdownLeftovers(string mrkdwn)
    {
        foreach (var leftover in new[] { "**", "](", "__", "\\" })
        {
            if (mrkdwn.Contains(leftover, StringComparison.Ordinal))
            {
                yield return $"'{leftover}' in: {mrkdwn}";
            }
        }

        if (mrkdwn.Count(c => c == '*') % 2 != 0)
        {
            yield return $"unbalanced '*' in: {mrkdwn}";
        }
    }

    // A single line break is a wrap unless it starts a list item.
    private static IEnumerable<string> MidSentenceBreaks(string text) =>
        WrappedLine().Matches(text).Select(m => $"line break mid-paragraph at '{m.Value.ReplaceLineEndings("⏎")}'");

    [GeneratedRegex(@"[^\n]\n(?![\n•*+-]|\d{1,9}\. )[^\n]{0,20}")]
    private static partial Regex WrappedLine();

    private static IEnumerable<string> TeamsButtonTitles(JsonNode card) =>
        Descendants(card).OfType<JsonObject>()
            .Where(o => ((string?)o["type"])?.StartsWith("Action.", StringComparison.Ordinal) == true && (string?)o["type"] != "Action.Submit" && o.Parent is JsonArray)
            .Where(o => (string?)o["verb"] != AdaptiveCardRenderer.RefreshVerb)
            .Select(o => (string)o["title"]!);

    private static IEnumerable<string> SlackButtonTitles(JsonArray blocks) =>
        Descendants(blocks).OfType<JsonObject>().Where(o => (string?)o["type"] == "button").Select(o => (string)o["text"]!["text"]!);

    private static readonly AccessReviewCampaign Campaign = new()
    {
        Name = "GitHub",
        ResourceKind = ReviewResourceKind.EntraGroup,
        ResourceId = "0f8fad5b-d9cb-469f-a165-70867728950e",
        ResourceName = "GitHub admins",
        DueDate = new DateOnly(2027, 1, 31),
        Status = CampaignStatus.Running,
        SnapshotAt = new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero),
    };

    private static readonly Person Reviewer = new() { Email = "rev@example.com", DisplayName = "Rita Reviewer" };

    private static AccessReviewItem ReviewItem(ReviewRecommendation recommendation) => new()
    {
        SubjectId = Guid.NewGuid().ToString(),
        SubjectDisplayName = recommendation == ReviewRecommendation.Revoke ? "Flagged Fred" : "Fine Fiona",
        SubjectEmail = "someone@example.com",
        Access = "member",
        AccountEnabled = recommendation != ReviewRecommendation.Revoke,
        SignInKnown = true,
        LastSignInAt = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero),
        Recommendation = recommendation,
        RecommendationReason = recommendation == ReviewRecommendation.Revoke ? "account disabled" : "signed in recently",
        Version = 1,
    };

    private static EvidenceTask Task(EvidenceTaskStatus status) => new()
    {
        Title = "Quarterly firewall rule review",
        DueDate = new DateOnly(2027, 1, 15),
        Status = status,
        PeriodStart = new DateOnly(2026, 10, 1),
        PeriodEnd = new DateOnly(2026, 12, 31),
        EvidenceUrl = "https://example.org/evidence/firewall-q4",
        Owner = new Person { Email = "olivia@example.com", DisplayName = "Olivia Owner" },
        Control = new Control { Code = "CC6.6", Title = "Boundary protection", Soc2Refs = ["CC6.6"], Iso27001Refs = ["A.8.20"] },
    };

    private static DigestFigures Figures(DateOnly today) => new(today, 3, [new OwnerCount("Olivia", 3)], 2, [new OwnerCount("Dan", 2)], 1,
        [new ReviewProgressLine("GitHub", new DateOnly(2027, 1, 31), 4, 10)], [new UpcomingAudit("SOC 2 Type 2", AuditKind.Soc2Type2, new DateOnly(2027, 3, 1))], 2, 1);

    /// <summary>Every kind of card the app builds with buttons, in the states that show the most buttons.</summary>
    private static Dictionary<string, Card> EveryCard()
    {
        var withPending = Task(EvidenceTaskStatus.Submitted);
        withPending.RequestedDueDate = new DateOnly(2027, 2, 15);
        withPending.ExtensionReason = "Auditor on leave";
        withPending.ProposedOwnerId = Guid.NewGuid();
        withPending.ReassignReason = "Moved teams";
        var open = Task(EvidenceTaskStatus.Open);
        var pages = Enumerable.Range(0, 35).Select(i => ReviewItem(i % 2 == 0 ? ReviewRecommendation.Revoke : ReviewRecommendation.Keep)).ToList();
        var answerer = new QuestionAnswerer(KnowledgeBase.Load(Path.Combine(KnowledgeFixture.RepositoryRoot, "knowledge")).KnowledgeBase);
        var cards = new Dictionary<string, Card>
        {
            ["answer"] = QuestionCards.Answer(SampleCards.Large, SampleCards.QuestionId),
            ["answer-abstained"] = QuestionCards.Answer(SampleCards.Abstained, SampleCards.QuestionId),
            ["crosswalk"] = QuestionCards.Answer(answerer.Answer("what maps to CC6.1?")),
            ["catalog"] = QuestionCards.Answer(answerer.Answer("what is A.5.15?")),
            ["welcome"] = QuestionCards.Welcome(),
            ["help"] = QuestionCards.Help(),
            ["lead-question"] = QuestionCards.LeadQuestion(SampleCards.QuestionId, "Grace", "Do we need a pen test?"),
            ["task-owner"] = TaskCards.Owner(open, Today),
            ["task-lead"] = TaskCards.Lead(withPending, Today),
            ["task-list"] = TaskCards.List([open, open, open], 20, Today),
            ["review-page"] = ReviewCards.ReviewerPage(ReviewDecisions.Paged(Campaign, Reviewer, pages, 1, 10), null),
            ["review-bulk"] = ReviewCards.BulkConfirm(Campaign, BulkDecision.AcceptRecommendations, new BulkPreview(20, 15, 0), 1),
            ["review-delegate"] = ReviewCards.DelegateForm(Campaign, 1),
            ["review-list"] = ReviewCards.List([(Campaign, 3, 10)]),
            ["remediation"] = ReviewCards.Remediation(Campaign, pages.Take(10).ToList(), 1, 4, 20, null),
            ["digest"] = DigestCards.Weekly(Figures(Today), [new CardLink("Our GRC tool with a long descriptive name", "https://example.org/grc")]),
            ["chaser-reminder"] = ChaserCards.TaskReminder(open, Today),
            ["chaser-review"] = ChaserCards.ReviewReminder(ReviewDecisions.Paged(Campaign, Reviewer, pages, 0, 10), Today),
            ["announcement"] = AnnouncementCards.Countdown(new Core.Domain.Audit { Name = "SOC 2 Type 2 " + SampleCards.Hostile, Kind = AuditKind.Soc2Type2, StartsOn = Today.AddDays(30) }, 30, 4, 2, 1),
        };
        foreach (var form in new[] { TaskForms.Submit, TaskForms.Done, TaskForms.Extend, TaskForms.Reassign })
        {
            cards[$"task-form-{form}"] = TaskCards.Form(open, form, Today);
        }

        return cards;
    }
}
