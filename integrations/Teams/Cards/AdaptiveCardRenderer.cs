using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;
using ChatCompliance.Integrations.Teams.Protocol;

namespace ChatCompliance.Integrations.Teams.Cards;

/// <summary>
/// Renders a neutral <see cref="Card"/> as an Adaptive Card 1.5, the highest version Teams shows. Buttons are
/// <c>Action.Execute</c> (Universal Actions) with an <c>Action.Submit</c> fallback for older clients.
/// </summary>
public static class AdaptiveCardRenderer
{
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";
    public const string Version = "1.5";

    /// <summary>The verb of the <c>refresh</c> action, sent when a card in <see cref="Card.RefreshUserIds"/> refreshes itself.</summary>
    public const string RefreshVerb = "refresh";

    /// <summary>Teams refreshes a card automatically for at most this many users.</summary>
    public const int MaxRefreshUsers = 60;

    /// <summary>The key under which the <c>Action.Submit</c> fallback carries the verb in its data.</summary>
    public const string VerbKey = "verb";

    /// <summary>The card as Adaptive Card JSON.</summary>
    public static JsonObject Render(Card card)
    {
        var body = new JsonArray();
        if (card.Header is { } header)
        {
            body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = header.Title, ["wrap"] = true, ["style"] = "heading", ["size"] = "large", ["weight"] = "bolder" });
            if (header.Subtitle is { } subtitle)
            {
                body.Add(new JsonObject { ["type"] = "TextBlock", ["text"] = subtitle, ["wrap"] = true, ["isSubtle"] = true, ["spacing"] = "none" });
            }
        }

        foreach (var element in card.Body)
        {
            body.Add(Element(element));
        }

        var json = new JsonObject
        {
            ["$schema"] = SchemaUrl,
            ["type"] = "AdaptiveCard",
            ["version"] = Version,
            ["fallbackText"] = card.FallbackText,
            ["body"] = body,
        };
        if (card.Actions.Count > 0)
        {
            json["actions"] = ArrayOf(card.Actions, Action);
        }

        if (card.RefreshUserIds.Count > 0)
        {
            json["refresh"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = RefreshVerb },
                ["userIds"] = ArrayOf(card.RefreshUserIds.Take(MaxRefreshUsers), id => JsonValue.Create(id)),
            };
        }

        return json;
    }

    /// <summary>The card as an activity attachment.</summary>
    public static Attachment ToAttachment(Card card) => new()
    {
        ContentType = Attachment.AdaptiveCardContentType,
        Content = Rendered.Get(card),
    };

    /// <summary>The card as a message activity (its fallback text as the notification summary); a plain message as Markdown text.</summary>
    public static Activity ToMessage(Card card) => card.IsMessage
        ? new() { Type = ActivityTypes.Message, Text = card.FallbackText, TextFormat = "markdown" }
        : new() { Type = ActivityTypes.Message, Summary = card.FallbackText, Attachments = [ToAttachment(card)] };

    /// <summary>A JsonElement is read-only, so a reused card's one rendering is shared by every message that carries it.</summary>
    private static readonly RenderedCards<JsonElement> Rendered = new(card => JsonSerializer.SerializeToElement(Render(card)));

    private static JsonObject Element(CardElement element) => element switch
    {
        TextElement text => TextBlock(text.Text, text.Style),
        FactsElement facts => new JsonObject
        {
            ["type"] = "FactSet",
            ["facts"] = ArrayOf(facts.Facts, f => new JsonObject { ["title"] = f.Label, ["value"] = f.Value }),
        },
        RowsElement rows => new JsonObject { ["type"] = "Container", ["items"] = ArrayOf(rows.Rows, Row) },
        // Link titles (an answer's sources) are too long for buttons: a list of links reads in full.
        LinksElement links => TextBlock(string.Join('\n', links.Links.Select(l => $"- [{LinkTitle(l.Title)}]({LinkUrl(l.Url)})"))),
        TextInput input => Input("Input.Text", input)
            .With("placeholder", input.Placeholder)
            .With("isMultiline", input.Multiline ? true : null)
            .With("maxLength", input.MaxLength)
            .With("value", input.Value),
        DateInput input => Input("Input.Date", input)
            .With("value", input.Value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ChoiceInput input => Input("Input.ChoiceSet", input)
            .With("choices", ArrayOf(input.Choices, c => new JsonObject { ["title"] = c.Title, ["value"] = c.Value }))
            .With("style", "compact")
            .With("isMultiSelect", input.Multiple ? true : null),
        _ => throw new ArgumentOutOfRangeException(nameof(element), element.GetType().Name, "Unknown card element."),
    };

    private static JsonObject TextBlock(string text, TextStyle style = TextStyle.Normal)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        switch (style)
        {
            case TextStyle.Emphasis:
                block["weight"] = "bolder";
                break;
            case TextStyle.Subtle:
                block["isSubtle"] = true;
                block["size"] = "small";
                break;
            case TextStyle.Warning:
                block["color"] = "warning";
                block["weight"] = "bolder";
                break;
        }

        return block;
    }

    // One row: its cells side by side, then its own buttons.
    private static JsonObject Row(CardRow row)
    {
        var items = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "ColumnSet",
                ["columns"] = ArrayOf(row.Cells, cell => new JsonObject
                {
                    ["type"] = "Column",
                    ["width"] = "stretch",
                    ["items"] = new JsonArray(TextBlock(cell)),
                }),
            },
        };
        if (row.Actions.Count > 0)
        {
            items.Add(ActionSet(row.Actions.Select(Action)));
        }

        return new JsonObject { ["type"] = "Container", ["separator"] = true, ["items"] = items };
    }

    private static JsonObject Input(string type, CardInput input) =>
        new JsonObject { ["type"] = type, ["id"] = input.Id, ["label"] = input.Label }
            .With("isRequired", input.Required ? true : null)
            .With("errorMessage", input.Required ? $"{input.Label} is required." : null);

    // Adaptive Cards leave unset properties out rather than sending null.
    private static JsonObject With(this JsonObject json, string name, JsonNode? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }

        return json;
    }

    private static JsonObject ActionSet(IEnumerable<JsonObject> actions) =>
        new() { ["type"] = "ActionSet", ["actions"] = ArrayOf(actions, a => a) };

    private static JsonObject Action(CardButton button) => button switch
    {
        CardAction action => Execute(action),
        OpenUrlAction link => OpenUrl(link.Title, link.Url),
        _ => throw new ArgumentOutOfRangeException(nameof(button), button.GetType().Name, "Unknown card button."),
    };

    private static JsonObject OpenUrl(string title, string url) =>
        new() { ["type"] = "Action.OpenUrl", ["title"] = CardButton.Fit(title), ["url"] = url };

    // A parenthesis or space in the address would end the Markdown link early.
    private static string LinkUrl(string url) => url.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal).Replace(" ", "%20", StringComparison.Ordinal);

    // A link's text cannot close the link early; brackets become parentheses, and Markdown emphasis is left out.
    private static string LinkTitle(string title) => new([.. title.Select(c => c switch { '[' => '(', ']' => ')', '*' or '_' or '`' or '\\' => ' ', '\n' or '\r' => ' ', _ => c })]);

    // Old clients that lack Action.Execute post a message whose value is the Submit data, so it carries the verb too.
    private static JsonObject Execute(CardAction action)
    {
        var submitData = Data(action.Data);
        submitData[VerbKey] = action.Verb;
        var execute = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = CardButton.Fit(action.Title),
            ["verb"] = action.Verb,
            ["data"] = Data(action.Data),
        };
        var submit = new JsonObject { ["type"] = "Action.Submit", ["title"] = CardButton.Fit(action.Title), ["data"] = submitData };
        if (Style(action.Style) is { } style)
        {
            execute["style"] = style;
            submit["style"] = style;
        }

        execute["fallback"] = submit;
        return execute;
    }

    private static string? Style(CardActionStyle style) => style switch
    {
        CardActionStyle.Positive => "positive",
        CardActionStyle.Destructive => "destructive",
        _ => null,
    };

    private static JsonObject Data(IReadOnlyDictionary<string, string> data)
    {
        var json = new JsonObject();
        foreach (var (key, value) in data)
        {
            json[key] = value;
        }

        return json;
    }

    private static JsonArray ArrayOf<T>(IEnumerable<T> items, Func<T, JsonNode?> render) => [.. items.Select(render)];
}
