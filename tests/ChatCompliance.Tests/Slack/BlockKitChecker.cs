using System.Text.Json.Nodes;

namespace ChatCompliance.Tests.Slack;

/// <summary>Checks rendered blocks against the Block Kit shapes and limits we rely on (docs.slack.dev Block Kit reference).</summary>
internal static class BlockKitChecker
{
    private static readonly HashSet<string> BlockTypes = ["header", "section", "context", "actions", "input", "divider"];
    private static readonly HashSet<string> ButtonStyles = ["primary", "danger"];
    private static readonly HashSet<string> PlainTypes = ["plain_text"];
    private static readonly HashSet<string> TextTypes = ["plain_text", "mrkdwn"];
    private static readonly HashSet<string> InputElements = ["plain_text_input", "datepicker", "static_select", "multi_static_select"];

    public static void AssertMessage(JsonArray blocks, string text)
    {
        Assert.False(string.IsNullOrWhiteSpace(text), "A message needs fallback text.");
        Assert.InRange(text.Length, 1, 3000);
        AssertBlocks(blocks, maxBlocks: 50);
    }

    public static void AssertBlocks(JsonArray blocks, int maxBlocks)
    {
        Assert.InRange(blocks.Count, 0, maxBlocks);
        var blockIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var block in blocks.Select(b => b!.AsObject()))
        {
            var type = (string)block["type"]!;
            Assert.Contains(type, BlockTypes);
            if (block["block_id"] is { } blockId)
            {
                Assert.InRange(((string)blockId!).Length, 1, 255);
                Assert.True(blockIds.Add((string)blockId!), $"Duplicate block_id {blockId}.");
            }

            switch (type)
            {
                case "header":
                    AssertText(block["text"], 150, plainOnly: true);
                    break;
                case "section":
                    Assert.True(block["text"] is not null || block["fields"] is not null, "A section needs text or fields.");
                    if (block["text"] is { } sectionText)
                    {
                        AssertText(sectionText, 3000);
                    }

                    if (block["fields"] is JsonArray fields)
                    {
                        Assert.InRange(fields.Count, 1, 10);
                        Assert.All(fields, f => AssertText(f, 2000));
                    }

                    break;
                case "context":
                    var elements = block["elements"]!.AsArray();
                    Assert.InRange(elements.Count, 1, 10);
                    Assert.All(elements, e => AssertText(e, 3000));
                    break;
                case "actions":
                    AssertActions(block["elements"]!.AsArray());
                    break;
                case "input":
                    Assert.NotNull(block["block_id"]);
                    AssertText(block["label"], 2000, plainOnly: true);
                    AssertInputElement(block["element"]!.AsObject());
                    break;
            }
        }
    }

    public static IEnumerable<string> AllStrings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => AllStrings(p.Value)),
        JsonArray a => a.SelectMany(AllStrings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    public static IEnumerable<string> MrkdwnTexts(JsonNode? node) => node switch
    {
        JsonObject o when (string?)o["type"] == "mrkdwn" => [(string)o["text"]!],
        JsonObject o => o.SelectMany(p => MrkdwnTexts(p.Value)),
        JsonArray a => a.SelectMany(MrkdwnTexts),
        _ => [],
    };

    private static void AssertActions(JsonArray elements)
    {
        Assert.InRange(elements.Count, 1, 25);
        var actionIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var button in elements.Select(e => e!.AsObject()))
        {
            Assert.Equal("button", (string?)button["type"]);
            AssertText(button["text"], 75, plainOnly: true);
            Assert.True(button["action_id"] is not null || button["url"] is not null, "A button needs an action_id or a url.");
            if (button["action_id"] is { } actionId)
            {
                Assert.InRange(((string)actionId!).Length, 1, 255);
                Assert.True(actionIds.Add((string)actionId!), $"Duplicate action_id {actionId} in one block.");
            }

            if (button["value"] is { } value)
            {
                Assert.InRange(((string)value!).Length, 1, 2000);
            }

            if (button["url"] is { } url)
            {
                Assert.InRange(((string)url!).Length, 1, 3000);
            }

            if (button["style"] is { } style)
            {
                Assert.Contains((string)style!, ButtonStyles);
            }
        }
    }

    private static void AssertInputElement(JsonObject element)
    {
        var type = (string)element["type"]!;
        Assert.Contains(type, InputElements);
        if (element["action_id"] is { } actionId)
        {
            Assert.InRange(((string)actionId!).Length, 1, 255);
        }

        if (element["max_length"] is { } max)
        {
            Assert.InRange((int)max!, 1, 3000);
        }

        if (element["placeholder"] is { } placeholder)
        {
            AssertText(placeholder, 150, plainOnly: true);
        }

        if (type is "static_select" or "multi_static_select")
        {
            var options = element["options"]!.AsArray();
            Assert.InRange(options.Count, 1, 100);
            Assert.All(options, o =>
            {
                AssertText(o!["text"], 75, plainOnly: true);
                Assert.InRange(((string)o["value"]!).Length, 1, 150);
            });
        }
    }

    private static void AssertText(JsonNode? node, int maxLength, bool plainOnly = false)
    {
        Assert.NotNull(node);
        var type = (string?)node["type"];
        Assert.Contains(type!, plainOnly ? PlainTypes : TextTypes);
        var text = (string?)node["text"];
        Assert.False(string.IsNullOrWhiteSpace(text), "Empty text object.");
        Assert.InRange(text.Length, 1, maxLength);
    }
}
