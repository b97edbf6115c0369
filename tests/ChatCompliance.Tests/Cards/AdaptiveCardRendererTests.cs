using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Integrations.Teams.Cards;
using ChatCompliance.Integrations.Teams.Protocol;
using ChatCompliance.Tests.Knowledge;

namespace ChatCompliance.Tests.Cards;

public sealed class AdaptiveCardRendererTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    // Teams refuses a message over about 28 KB.
    private const int MaxMessageBytes = 28 * 1024;

    public static TheoryData<string> Cards =>
    [
        "answer", "answer-abstained", "answer-large", "welcome", "help", "handed-off",
        "lead-question", "lead-question-hostile", "lead-answer", "lead-answer-hostile", "every-element",
    ];

    [Theory]
    [MemberData(nameof(Cards))]
    public async Task Render_Card_IsValidAdaptiveCard15(string name)
    {
        var json = AdaptiveCardRenderer.Render(SampleCards.ByName(name));

        await AdaptiveCardSchema.AssertValidAsync(json);
        Assert.Equal("AdaptiveCard", (string?)json["type"]);
        Assert.Equal("1.5", (string?)json["version"]);
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", (string?)json["$schema"]);
    }

    [Theory]
    [MemberData(nameof(Cards))]
    public void Render_Card_FitsInATeamsMessage(string name)
    {
        var bytes = Encoding.UTF8.GetByteCount(AdaptiveCardRenderer.Render(SampleCards.ByName(name)).ToJsonString());

        Assert.InRange(bytes, 1, MaxMessageBytes);
    }

    [Fact]
    public async Task Render_AnswerToEveryEvaluationQuestion_IsValidAndFits()
    {
        var questions = Directory.EnumerateFiles(KnowledgeFixture.EvalFolder, "*.jsonl")
            .SelectMany(File.ReadLines)
            .Where(line => line.Trim().Length > 0)
            .Select(line => JsonNode.Parse(line)!["question"]!.GetValue<string>());

        foreach (var question in questions)
        {
            var json = AdaptiveCardRenderer.Render(QuestionCards.Answer(fixture.Answerer.Answer(question), SampleCards.QuestionId));

            await AdaptiveCardSchema.AssertValidAsync(json);
            Assert.InRange(Encoding.UTF8.GetByteCount(json.ToJsonString()), 1, MaxMessageBytes);
        }
    }

    [Fact]
    public void Render_CardAction_IsExecuteWithVerbAndData()
    {
        var json = Render(new CardAction("review.revoke", "Revoke", new Dictionary<string, string> { ["row"] = "7", ["version"] = "3" }, CardActionStyle.Destructive));

        var action = json["actions"]![0]!;
        Assert.Equal("Action.Execute", (string?)action["type"]);
        Assert.Equal("review.revoke", (string?)action["verb"]);
        Assert.Equal("Revoke", (string?)action["title"]);
        Assert.Equal("destructive", (string?)action["style"]);
        Assert.Equal("""{"row":"7","version":"3"}""", action["data"]!.ToJsonString());
    }

    [Fact]
    public void Render_CardAction_FallsBackToSubmitWithTheVerbInItsData()
    {
        var json = Render(new CardAction(CardVerbs.QaRelated, "Type 1 or 2?", new Dictionary<string, string> { ["entry"] = "soc2-types" }));

        var fallback = json["actions"]![0]!["fallback"]!;
        Assert.Equal("Action.Submit", (string?)fallback["type"]);
        Assert.Equal("Type 1 or 2?", (string?)fallback["title"]);
        Assert.Equal("""{"entry":"soc2-types","verb":"qa.related"}""", fallback["data"]!.ToJsonString());
    }

    [Fact]
    public void Render_DataWithAVerbKey_SubmitCarriesTheActionsVerb()
    {
        var json = Render(new CardAction(CardVerbs.Help, "Help", new Dictionary<string, string> { ["verb"] = "something-else" }));

        Assert.Equal(CardVerbs.Help, (string?)json["actions"]![0]!["fallback"]!["data"]!["verb"]);
    }

    [Fact]
    public void Render_RefreshUserIds_AreCappedAt60()
    {
        var card = SampleCards.EveryElement() with { RefreshUserIds = [.. Enumerable.Range(1, 75).Select(i => $"29:user-{i}")] };

        var refresh = AdaptiveCardRenderer.Render(card)["refresh"]!;

        Assert.Equal("Action.Execute", (string?)refresh["action"]!["type"]);
        Assert.Equal("refresh", (string?)refresh["action"]!["verb"]);
        var userIds = refresh["userIds"]!.AsArray();
        Assert.Equal(60, userIds.Count);
        Assert.Equal("29:user-1", (string?)userIds[0]);
        Assert.Equal("29:user-60", (string?)userIds[59]);
    }

    [Fact]
    public void Render_NoRefreshUserIds_HasNoRefresh()
    {
        var json = AdaptiveCardRenderer.Render(QuestionCards.Help());

        Assert.False(json.ContainsKey("refresh"));
        Assert.False(json.ContainsKey("actions"));
    }

    [Fact]
    public void Render_Rows_AreContainersOfColumnsEachWithItsOwnActionSet()
    {
        var json = AdaptiveCardRenderer.Render(SampleCards.EveryElement());

        var rows = json["body"]!.AsArray().Single(e => (string?)e!["type"] == "Container")!["items"]!.AsArray();
        Assert.Equal(2, rows.Count);
        var first = rows[0]!["items"]!.AsArray();
        Assert.Equal("ColumnSet", (string?)first[0]!["type"]);
        Assert.Equal(["Ada Lovelace", "admin"], first[0]!["columns"]!.AsArray().Select(c => (string?)c!["items"]![0]!["text"]));
        Assert.Equal("ActionSet", (string?)first[1]!["type"]);
        Assert.Equal(["review.keep", "review.revoke", "review.unsure"], first[1]!["actions"]!.AsArray().Select(a => (string?)a!["verb"]));
        Assert.Single(rows[1]!["items"]!.AsArray());
    }

    [Fact]
    public void Render_Inputs_CarryIdLabelAndOptions()
    {
        var body = AdaptiveCardRenderer.Render(SampleCards.EveryElement())["body"]!.AsArray();

        var text = body.Single(e => (string?)e!["id"] == "justification")!;
        Assert.Equal("Input.Text", (string?)text["type"]);
        Assert.Equal("Justification", (string?)text["label"]);
        Assert.Equal("Why?", (string?)text["placeholder"]);
        Assert.True((bool?)text["isMultiline"]);
        Assert.True((bool?)text["isRequired"]);
        Assert.Equal(500, (int?)text["maxLength"]);
        Assert.False(body.Single(e => (string?)e!["id"] == "note")!.AsObject().ContainsKey("isRequired"));
        var date = body.Single(e => (string?)e!["id"] == "due")!;
        Assert.Equal("Input.Date", (string?)date["type"]);
        Assert.Equal("2026-01-15", (string?)date["value"]);
        var choice = body.Single(e => (string?)e!["id"] == "tags")!;
        Assert.Equal("Input.ChoiceSet", (string?)choice["type"]);
        Assert.True((bool?)choice["isMultiSelect"]);
        Assert.Equal("urgent", (string?)choice["choices"]![0]!["value"]);
    }

    [Fact]
    public void Render_LinksAndOpenUrlButtons_AreOpenUrlActions()
    {
        var json = AdaptiveCardRenderer.Render(SampleCards.EveryElement());

        // Links (an answer's sources) read in full as a Markdown list; buttons keep short titles.
        var links = json["body"]!.AsArray().Last()!;
        Assert.Equal("TextBlock", (string?)links["type"]);
        Assert.Equal("- [Policy](https://example.org/policy)", (string?)links["text"]);
        Assert.Equal("Action.OpenUrl", (string?)json["actions"]![1]!["type"]);
    }

    [Fact]
    public void Render_Header_IsAHeadingThenASubtleSubtitle()
    {
        var body = AdaptiveCardRenderer.Render(SampleCards.EveryElement())["body"]!.AsArray();

        Assert.Equal("heading", (string?)body[0]!["style"]);
        Assert.Equal("Access review: GitHub", (string?)body[0]!["text"]);
        Assert.True((bool?)body[1]!["isSubtle"]);
        Assert.All(body.Where(e => (string?)e!["type"] == "TextBlock"), e => Assert.True((bool?)e!["wrap"]));
    }

    [Fact]
    public void ToAttachment_Card_IsTheRenderedAdaptiveCard()
    {
        var card = QuestionCards.Welcome();

        var attachment = AdaptiveCardRenderer.ToAttachment(card);

        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment.ContentType);
        Assert.Equal(AdaptiveCardRenderer.Render(card).ToJsonString(), JsonSerializer.Serialize(attachment.Content));
        Assert.Contains("\"contentType\":\"application/vnd.microsoft.card.adaptive\"", JsonSerializer.Serialize(attachment), StringComparison.Ordinal);
    }

    private static JsonObject Render(CardAction action) =>
        AdaptiveCardRenderer.Render(new Card(null, [], "fallback") { Actions = [action] });
}
