using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Integrations.Slack.Blocks;
using ChatCompliance.Tests.Cards;

namespace ChatCompliance.Tests.Slack;

public sealed class BlockKitRendererTests
{
    private const string SlackHostile = "<!channel> <@U123> <https://evil|x> *bold* & ";

    /// <summary>About 10 kB of text that would ping everyone, mention a user and link elsewhere if it reached Slack raw.</summary>
    private static readonly string SlackHostileLong = string.Concat(Enumerable.Repeat(SlackHostile + "\n", 10_000 / SlackHostile.Length));

    public static TheoryData<string> Cards =>
    [
        "answer", "answer-abstained", "answer-large", "welcome", "help", "handed-off",
        "lead-question", "lead-question-hostile", "lead-answer", "lead-answer-hostile", "every-element",
    ];

    [Theory]
    [MemberData(nameof(Cards))]
    public void Render_Card_StaysWithinBlockKitLimits(string name)
    {
        var message = BlockKitRenderer.Render(SampleCards.ByName(name));

        BlockKitChecker.AssertMessage(message.Blocks, message.Text);
        Assert.NotEmpty(message.Blocks);
    }

    [Theory]
    [MemberData(nameof(Cards))]
    public void RenderView_Card_StaysWithinViewLimits(string name)
    {
        var card = SampleCards.ByName(name);

        var modal = BlockKitRenderer.RenderView(card, BlockKitRenderer.ModalView);
        var home = BlockKitRenderer.RenderView(card, BlockKitRenderer.HomeView);

        BlockKitChecker.AssertBlocks(modal["blocks"]!.AsArray(), maxBlocks: 100);
        BlockKitChecker.AssertBlocks(home["blocks"]!.AsArray(), maxBlocks: 100);
        Assert.InRange(((string)modal["title"]!["text"]!).Length, 1, 24);
        Assert.Null(home["title"]);
        Assert.Equal(card.Body.OfType<CardInput>().Any(), modal["submit"] is not null);
    }

    [Fact]
    public void Render_AnswerCard_StaysWithinBlockKitLimits()
    {
        var message = BlockKitRenderer.Render(QuestionCards.Answer(SampleCards.EntryAnswer, SampleCards.QuestionId));

        BlockKitChecker.AssertMessage(message.Blocks, message.Text);
        var types = message.Blocks.Select(b => (string)b!["type"]!).ToList();
        Assert.Equal("header", types[0]);
        Assert.Contains("section", types);
        Assert.Equal("actions", types[^1]);
        var texts = BlockKitChecker.MrkdwnTexts(message.Blocks).ToList();
        Assert.Contains(texts, t => t.StartsWith("*No.* SOC 2 is an _attestation_", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("*CC6.1*\nLogical access security measures", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("<https://www.aicpa-cima.com/topic/audit-assurance/audit-and-assurance-greater-than-soc-2|AICPA: SOC 2>", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_AbstainedAnswer_OffersHandOffWithUniqueActionIds()
    {
        var message = BlockKitRenderer.Render(QuestionCards.Answer(SampleCards.Abstained with { Related = [new("a", "A?"), new("b", "B?")] }, SampleCards.QuestionId));

        var buttons = message.Blocks.Where(b => (string?)b!["type"] == "actions").SelectMany(b => b!["elements"]!.AsArray()).ToList();
        Assert.Equal(["qa.related", "qa.related", "qa.handoff"], buttons.Select(b => BlockKitRenderer.VerbOf((string)b!["action_id"]!)));
        Assert.Equal("primary", (string?)buttons[2]!["style"]);
        Assert.All(message.Blocks.Where(b => (string?)b!["type"] == "actions"), block =>
        {
            var ids = block!["elements"]!.AsArray().Select(b => (string)b!["action_id"]!).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
        });
    }

    [Fact]
    public void Render_CardWithButtons_ValueRoundTripsAsData()
    {
        var data = new Dictionary<string, string> { ["question"] = SampleCards.QuestionId.ToString(), ["note"] = "a \"quoted\" <value> & more" };
        var card = new Card(null, [], "Buttons") { Actions = [new CardAction("qa.answer", "Send", data, CardActionStyle.Destructive)] };

        var button = BlockKitRenderer.Render(card).Blocks[0]!["elements"]![0]!;

        var value = (string)button["value"]!;
        Assert.DoesNotContain('\n', value);
        var parsed = JsonNode.Parse(value)!.AsObject();
        Assert.Equal(data, parsed.ToDictionary(p => p.Key, p => (string)p.Value!));
        Assert.Equal("qa.answer", (string?)button["action_id"]);
        Assert.Equal("danger", (string?)button["style"]);
    }

    [Fact]
    public void Render_ButtonDataOver2000Characters_IsRefused()
    {
        var card = new Card(null, [], "Too big") { Actions = [new CardAction("x", "X", SampleCards.Data("blob", new string('a', 2000)))] };

        Assert.Throws<ArgumentException>(() => BlockKitRenderer.Render(card));
    }

    [Fact]
    public void Render_EveryElement_MapsEachElementToItsBlock()
    {
        var message = BlockKitRenderer.Render(SampleCards.EveryElement());

        BlockKitChecker.AssertMessage(message.Blocks, message.Text);
        var inputs = message.Blocks.Where(b => (string?)b!["type"] == "input").ToDictionary(b => (string)b!["block_id"]!, b => b!["element"]!);
        Assert.Equal(["justification", "note", "due", "since", "owner", "tags"], inputs.Keys);
        Assert.True((bool)inputs["justification"]["multiline"]!);
        Assert.Equal(500, (int)inputs["justification"]["max_length"]!);
        Assert.Equal("datepicker", (string?)inputs["due"]["type"]);
        Assert.Equal("2026-01-15", (string?)inputs["due"]["initial_date"]);
        Assert.Equal("static_select", (string?)inputs["owner"]["type"]);
        Assert.Equal("multi_static_select", (string?)inputs["tags"]["type"]);
        var rowActions = message.Blocks.First(b => (string?)b!["type"] == "actions")!["elements"]!.AsArray();
        Assert.Equal(["review.keep", "review.revoke", "review.unsure"], rowActions.Select(b => (string)b!["action_id"]!));
        var lastButtons = message.Blocks[^1]!["elements"]!.AsArray();
        Assert.Equal("https://example.org/dashboard", (string?)lastButtons[1]!["url"]);
        Assert.Contains(BlockKitChecker.MrkdwnTexts(message.Blocks), t => t == "⚠️ *Warning*" || t == ":warning: *Warning*");
    }

    [Fact]
    public void Render_500Rows_TruncatesTo50BlocksWithMoreNotice()
    {
        var rows = Enumerable.Range(1, 500)
            .Select(i => new CardRow([$"User {i}", "admin"], [new CardAction("review.keep", "Keep", SampleCards.Data("row", $"{i}"))]))
            .ToList();
        var card = new Card(new CardHeader("Access review"), [new RowsElement(rows)], "Access review")
        {
            Actions = [new CardAction("review.approve-rest", "Approve the rest", SampleCards.Data("review", "42"))],
        };

        var message = BlockKitRenderer.Render(card);

        BlockKitChecker.AssertMessage(message.Blocks, message.Text);
        Assert.Equal(50, message.Blocks.Count);
        var notice = message.Blocks[^2]!;
        Assert.Equal("context", (string?)notice["type"]);
        Assert.Equal("…and 953 more (open the app for the rest)", (string?)notice["elements"]![0]!["text"]);
        Assert.Equal("review.approve-rest", (string?)message.Blocks[^1]!["elements"]![0]!["action_id"]);
    }

    [Fact]
    public void RenderView_ManyRows_TruncatesTo100Blocks()
    {
        var rows = Enumerable.Range(1, 500).Select(i => new CardRow([$"User {i}"], [])).ToList();

        var home = BlockKitRenderer.RenderView(new Card(null, [new RowsElement(rows)], "Rows"), BlockKitRenderer.HomeView);

        var blocks = home["blocks"]!.AsArray();
        Assert.Equal(100, blocks.Count);
        Assert.StartsWith("…and 401 more", (string?)blocks[^1]!["elements"]![0]!["text"], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_HostileLeadQuestion_IsEscapedAndBounded()
    {
        var card = QuestionCards.LeadQuestion(SampleCards.QuestionId, SlackHostile, SlackHostileLong);

        var message = BlockKitRenderer.Render(card);

        BlockKitChecker.AssertMessage(message.Blocks, message.Text);
        var strings = BlockKitChecker.AllStrings(message.Blocks).Append(message.Text).ToList();
        Assert.All(strings, s => Assert.DoesNotContain('<', s));
        Assert.All(strings, s => Assert.DoesNotContain('>', s));
        var texts = BlockKitChecker.MrkdwnTexts(message.Blocks).ToList();
        Assert.StartsWith("*&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|x&gt; *bold* &amp;* asked:", texts[0], StringComparison.Ordinal);
        Assert.Contains(texts, t => t.Contains("&lt;!channel&gt;", StringComparison.Ordinal));
        Assert.InRange(message.Blocks.ToJsonString().Length, 1, 40_000);
    }

    [Fact]
    public void Render_HostileLeadAnswerFromSamples_HasNoRawAngleBrackets()
    {
        var message = BlockKitRenderer.Render(SampleCards.ByName("lead-answer-hostile"));

        Assert.All(BlockKitChecker.AllStrings(message.Blocks).Append(message.Text), s => Assert.DoesNotContain('<', s));
    }

    [Theory]
    [InlineData("**bold** and *italic*", "*bold* and _italic_")]
    [InlineData("see [the policy](https://example.org/a?b=1&c=2)", "see <https://example.org/a?b=1&amp;c=2|the policy>")]
    [InlineData("[not a web link](javascript:void)", "not a web link")]
    [InlineData("a & b < c > d", "a &amp; b &lt; c &gt; d")]
    [InlineData("- one\n* two", "• one\n• two")]
    public void FromMarkdown_OurMarkdown_BecomesMrkdwn(string markdown, string mrkdwn) =>
        Assert.Equal(mrkdwn, SlackMrkdwn.FromMarkdown(markdown));

    [Fact]
    public void FromMarkdown_EscapedUserText_ShowsLiterallyWithoutLinks()
    {
        var escaped = CardText.Escape("**x** [a](https://evil) <@U1> - item");

        Assert.Equal("**x** [a](https://evil) &lt;@U1&gt; - item", SlackMrkdwn.FromMarkdown(escaped));
    }

    [Fact]
    public void Split_LongText_KeepsEntitiesAndLinksWhole()
    {
        var text = string.Concat(Enumerable.Repeat("&amp;<https://example.org|link>", 500));

        var pieces = SlackMrkdwn.Split(text, 3000).ToList();

        Assert.All(pieces, p => Assert.InRange(p.Length, 1, 3000));
        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p => Assert.Equal(p.Count(c => c == '<'), p.Count(c => c == '>')));
        Assert.All(pieces, p => Assert.True(p.EndsWith('>') || p.EndsWith("&amp;", StringComparison.Ordinal), p[^10..]));
    }

    [Fact]
    public void RenderView_LeadQuestionModal_HasShortTitleInputAndSubmit()
    {
        var view = BlockKitRenderer.RenderView(SampleCards.ByName("lead-question"), BlockKitRenderer.ModalView);

        Assert.Equal("modal", (string?)view["type"]);
        Assert.InRange(((string)view["title"]!["text"]!).Length, 1, 24);
        Assert.Equal("plain_text", (string?)view["title"]!["type"]);
        Assert.Contains(view["blocks"]!.AsArray(), b => (string?)b!["type"] == "input" && (string?)b["block_id"] == CardDataKeys.Answer);
        Assert.Equal("Send answer", (string?)view["submit"]!["text"]);
        Assert.NotNull(view["close"]);
        Assert.Equal(CardVerbs.QaAnswer, (string?)view["callback_id"]);
        Assert.Equal(SampleCards.QuestionId.ToString(), (string?)JsonNode.Parse((string)view["private_metadata"]!)![CardDataKeys.Question]);
        Assert.DoesNotContain(view["blocks"]!.AsArray(), b => (string?)b!["type"] == "actions");
    }

    [Fact]
    public void RenderView_UnknownType_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockKitRenderer.RenderView(QuestionCards.Help(), "dialog"));
}
