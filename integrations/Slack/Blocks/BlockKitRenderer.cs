using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatCompliance.Core.Cards;

namespace ChatCompliance.Integrations.Slack.Blocks;

/// <summary>
/// Renders a neutral <see cref="Card"/> as Slack Block Kit: a message (<see cref="Render"/>) or a modal or Home tab
/// view (<see cref="RenderView"/>). Text is converted to mrkdwn by <see cref="SlackMrkdwn"/>, and every documented
/// limit is kept: long text is split or cut, and blocks beyond the limit are replaced by a "more" notice.
/// </summary>
public static class BlockKitRenderer
{
    /// <summary>The <c>type</c> of a modal view.</summary>
    public const string ModalView = "modal";

    /// <summary>The <c>type</c> of the Home tab view.</summary>
    public const string HomeView = "home";

    /// <summary>Slack's block limit for a message.</summary>
    public const int MaxMessageBlocks = 50;

    /// <summary>Slack's block limit for a modal or the Home tab.</summary>
    public const int MaxViewBlocks = 100;

    /// <summary>
    /// Separates a verb from a counter in an <c>action_id</c> when one block holds several buttons with the same verb
    /// (Slack requires unique ids within a block): <c>qa.related</c>, <c>qa.related#2</c>, …; see <see cref="VerbOf"/>.
    /// </summary>
    public const char ActionIdSeparator = '#';

    private const int MaxSectionText = 3000;
    private const int MaxFieldText = 2000;
    private const int MaxFields = 10;
    private const int MaxHeaderText = 150;
    private const int MaxActionElements = 25;
    private const int MaxButtonText = 75;
    private const int MaxActionId = 255;
    private const int MaxButtonValue = 2000;
    private const int MaxUrl = 3000;
    private const int MaxViewTitle = 24;
    private const int MaxLabel = 2000;
    private const int MaxPlaceholder = 150;
    private const int MaxOptions = 100;
    private const int MaxOptionText = 75;
    private const int MaxOptionValue = 150;
    private const int MaxTextInputLength = 3000;

    /// <summary>The card as a message's <c>blocks</c> and <c>text</c>.</summary>
    /// <exception cref="ArgumentException">A button's data or verb is too long for Slack.</exception>
    public static BlockKitMessage Render(Card card)
    {
        if (card.IsMessage)
        {
            return RenderText(card.FallbackText);
        }

        if (!card.Reused)
        {
            return new(Blocks(card, HeaderBlocks(card.Header), card.Actions, MaxMessageBlocks), FallbackText(card));
        }

        // Rendered once and kept read-only; each message gets its own (lazy) node over it, to change as it likes.
        var (blocks, text) = Rendered.Get(card);
        return new(JsonArray.Create(blocks)!, text);
    }

    /// <summary>
    /// A plain reply written in card Markdown (such as "Booked **SOC 2 Type 2**") as a message: mrkdwn sections and the
    /// same mrkdwn as its <c>text</c>, so no Markdown reaches Slack as it was typed.
    /// </summary>
    public static BlockKitMessage RenderText(string markdown)
    {
        var mrkdwn = SlackMrkdwn.FromMarkdown(markdown.Trim());
        var blocks = SlackMrkdwn.Split(mrkdwn, MaxSectionText).Take(MaxMessageBlocks).Select(Section);
        return new BlockKitMessage([.. blocks], mrkdwn.Length > 0 ? SlackMrkdwn.Cut(mrkdwn, MaxSectionText) : "A message from ChatCompliance");
    }

    private static readonly RenderedCards<(JsonElement Blocks, string Text)> Rendered =
        new(card => (JsonSerializer.SerializeToElement(Blocks(card, HeaderBlocks(card.Header), card.Actions, MaxMessageBlocks)), FallbackText(card)));

    /// <summary>
    /// The card as a view for <c>views.open</c> (<see cref="ModalView"/>) or <c>views.publish</c> (<see cref="HomeView"/>).
    /// A modal with inputs submits with its positive (else first) <see cref="CardAction"/>: the verb is the view's
    /// <c>callback_id</c> and the data its <c>private_metadata</c>.
    /// </summary>
    public static JsonObject RenderView(Card card, string viewType)
    {
        if (viewType == HomeView)
        {
            return new JsonObject { ["type"] = HomeView, ["blocks"] = Blocks(card, HeaderBlocks(card.Header), card.Actions, MaxViewBlocks) };
        }

        if (viewType != ModalView)
        {
            throw new ArgumentOutOfRangeException(nameof(viewType), viewType, $"Expected \"{ModalView}\" or \"{HomeView}\".");
        }

        var title = card.Header?.Title is { Length: > 0 } heading ? heading : card.FallbackText;
        var hasInputs = card.Body.OfType<CardInput>().Any();
        var submit = hasInputs
            ? card.Actions.OfType<CardAction>().FirstOrDefault(a => a.Style == CardActionStyle.Positive) ?? card.Actions.OfType<CardAction>().FirstOrDefault()
            : null;

        // The title bar shows at most 24 characters; a longer heading also goes into the body in full.
        var header = HeaderBlocks(title.Length > MaxViewTitle ? card.Header : card.Header is { } h ? h with { Title = "" } : null);
        var view = new JsonObject
        {
            ["type"] = ModalView,
            ["title"] = PlainText(SlackMrkdwn.CutPlain(title.Length > 0 ? title : "ChatCompliance", MaxViewTitle)),
            ["blocks"] = Blocks(card, header, card.Actions.Where(a => a != submit), MaxViewBlocks),
        };
        if (hasInputs)
        {
            view["submit"] = PlainText(SlackMrkdwn.CutPlain(submit?.Title ?? "Submit", MaxViewTitle));
            view["close"] = PlainText("Cancel");
        }

        if (submit is not null)
        {
            view["callback_id"] = ActionId(submit.Verb);
            view["private_metadata"] = ButtonValue(submit.Data);
        }

        return view;
    }

    /// <summary>The verb behind an <c>action_id</c> made unique with <see cref="ActionIdSeparator"/>.</summary>
    public static string VerbOf(string actionId)
    {
        var separator = actionId.LastIndexOf(ActionIdSeparator);
        return separator > 0 && int.TryParse(actionId.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            ? actionId[..separator]
            : actionId;
    }

    /// <summary>
    /// The data a button's <c>value</c> or a view's <c>private_metadata</c> carries (written by this renderer as a JSON
    /// object of strings). It comes back through Slack, so anything unreadable counts as no data, and non-string fields are dropped.
    /// </summary>
    public static Dictionary<string, string> DataOf(string? value)
    {
        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            if (value is not null && JsonNode.Parse(value) is JsonObject fields)
            {
                foreach (var (key, _) in fields)
                {
                    if (SlackInbound.Text(fields, key) is { } text)
                    {
                        data[key] = text;
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Unreadable data acts as no data.
        }

        return data;
    }

    private static JsonArray Blocks(Card card, IEnumerable<JsonObject> header, IEnumerable<CardButton> actions, int maxBlocks)
    {
        List<JsonObject> body = [.. header, .. card.Body.SelectMany(Element)];
        var tail = ActionBlocks(actions).ToList();
        if (body.Count + tail.Count <= maxBlocks)
        {
            return [.. body, .. tail];
        }

        // Keep the card's own buttons at the end; drop body blocks and say how many.
        var keptTail = tail.Take(maxBlocks / 2).ToList();
        var keptBody = maxBlocks - 1 - keptTail.Count;
        var dropped = body.Count - keptBody + tail.Count - keptTail.Count;
        var notice = Context(string.Create(CultureInfo.InvariantCulture, $"…and {dropped} more (open the app for the rest)"));
        return [.. body.Take(keptBody), notice, .. keptTail];
    }

    private static IEnumerable<JsonObject> HeaderBlocks(CardHeader? header)
    {
        if (header is null)
        {
            yield break;
        }

        if (!string.IsNullOrWhiteSpace(header.Title))
        {
            yield return new JsonObject { ["type"] = "header", ["text"] = PlainText(SlackMrkdwn.CutPlain(header.Title.Trim(), MaxHeaderText)) };
        }

        if (!string.IsNullOrWhiteSpace(header.Subtitle))
        {
            yield return Context(SlackMrkdwn.Cut(SlackMrkdwn.EscapePlain(header.Subtitle.Trim()), MaxSectionText));
        }
    }

    private static IEnumerable<JsonObject> Element(CardElement element) => element switch
    {
        TextElement text => Text(text),
        FactsElement facts => facts.Facts
            .Select(f => SlackMrkdwn.Cut($"*{SlackMrkdwn.FromMarkdown(f.Label).Trim()}*\n{SlackMrkdwn.FromMarkdown(f.Value).Trim()}", MaxFieldText))
            .Chunk(MaxFields)
            .Select(fields => new JsonObject { ["type"] = "section", ["fields"] = new JsonArray([.. fields.Select(f => Mrkdwn(f))]) }),
        RowsElement rows => rows.Rows.SelectMany(Row),
        LinksElement links => SlackMrkdwn
            .Split(string.Join('\n', links.Links.Select(l => "• " + SlackMrkdwn.Link(l.Url, SlackMrkdwn.EscapePlain(l.Title)))), MaxSectionText)
            .Select(Section),
        TextInput input => [Input(input, new JsonObject
        {
            ["type"] = "plain_text_input",
            ["action_id"] = input.Id,
            ["multiline"] = input.Multiline,
        }.With("max_length", input.MaxLength is { } max ? Math.Clamp(max, 1, MaxTextInputLength) : null)
         .With("placeholder", string.IsNullOrWhiteSpace(input.Placeholder) ? null : PlainText(SlackMrkdwn.CutPlain(input.Placeholder, MaxPlaceholder)))
         .With("initial_value", string.IsNullOrEmpty(input.Value) ? null : SlackMrkdwn.CutPlain(input.Value, Math.Clamp(input.MaxLength ?? MaxTextInputLength, 1, MaxTextInputLength))))],
        DateInput input => [Input(input, new JsonObject { ["type"] = "datepicker", ["action_id"] = input.Id }
            .With("initial_date", input.Value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))],
        ChoiceInput input => [Input(input, new JsonObject
        {
            ["type"] = input.Multiple ? "multi_static_select" : "static_select",
            ["action_id"] = input.Id,
            ["options"] = input.Choices.Count > 0
                ? new JsonArray([.. input.Choices.Take(MaxOptions).Select(Option)])
                : throw new ArgumentException($"The choice input {input.Id} has no choices.", nameof(element)),
        })],
        _ => throw new ArgumentOutOfRangeException(nameof(element), element.GetType().Name, "Unknown card element."),
    };

    private static IEnumerable<JsonObject> Text(TextElement text)
    {
        var mrkdwn = SlackMrkdwn.FromMarkdown(text.Text);
        return text.Style switch
        {
            TextStyle.Subtle => SlackMrkdwn.Split(mrkdwn, MaxSectionText).Select(Context),
            TextStyle.Emphasis => SlackMrkdwn.Split(mrkdwn, MaxSectionText - 2).Select(piece => Section($"*{piece}*")),
            TextStyle.Warning => SlackMrkdwn.Split(mrkdwn, MaxSectionText - 12).Select(piece => Section($":warning: *{piece}*")),
            _ => SlackMrkdwn.Split(mrkdwn, MaxSectionText).Select(Section),
        };
    }

    // One row: its cells on one line, then its own buttons.
    private static IEnumerable<JsonObject> Row(CardRow row)
    {
        var cells = string.Join("   ", row.Cells.Select(c => SlackMrkdwn.FromMarkdown(c).Trim()).Where(c => c.Length > 0));
        if (cells.Length > 0)
        {
            yield return Section(SlackMrkdwn.Cut(cells, MaxSectionText));
        }

        foreach (var actions in ActionBlocks(row.Actions))
        {
            yield return actions;
        }
    }

    private static JsonObject Input(CardInput input, JsonObject element)
    {
        _ = ActionId(input.Id);
        return new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = input.Id,
            ["label"] = PlainText(SlackMrkdwn.CutPlain(input.Label.Length > 0 ? input.Label : input.Id, MaxLabel)),
            ["optional"] = !input.Required,
            ["element"] = element,
        };
    }

    private static JsonObject Option(Choice choice) => new()
    {
        ["text"] = PlainText(SlackMrkdwn.CutPlain(choice.Title, MaxOptionText)),
        ["value"] = choice.Value.Length <= MaxOptionValue
            ? choice.Value
            : throw new ArgumentException($"A choice value is longer than {MaxOptionValue} characters.", nameof(choice)),
    };

    private static IEnumerable<JsonObject> ActionBlocks(IEnumerable<CardButton> buttons) =>
        buttons.Chunk(MaxActionElements).Select(chunk =>
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            return new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray([.. chunk.Select(b => Button(b, seen))]) };
        });

    private static JsonObject Button(CardButton button, Dictionary<string, int> seen)
    {
        var json = new JsonObject { ["type"] = "button", ["text"] = PlainText(SlackMrkdwn.CutPlain(CardButton.Fit(button.Title), MaxButtonText)) };
        switch (button)
        {
            case CardAction action:
                var count = seen[action.Verb] = seen.GetValueOrDefault(action.Verb) + 1;
                json["action_id"] = ActionId(count == 1 ? action.Verb : string.Create(CultureInfo.InvariantCulture, $"{action.Verb}{ActionIdSeparator}{count}"));
                json["value"] = ButtonValue(action.Data);
                if (action.Style is CardActionStyle.Positive or CardActionStyle.Destructive)
                {
                    json["style"] = action.Style == CardActionStyle.Positive ? "primary" : "danger";
                }

                break;
            case OpenUrlAction link:
                json["url"] = link.Url.Length <= MaxUrl ? link.Url : throw new ArgumentException($"A button's address is longer than {MaxUrl} characters.", nameof(button));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(button), button.GetType().Name, "Unknown card button.");
        }

        return json;
    }

    private static string ActionId(string id) =>
        id.Length is > 0 and <= MaxActionId ? id : throw new ArgumentException($"An action or block id must have 1 to {MaxActionId} characters: {id}", nameof(id));

    // Callers keep button data to a few ids; refusing is better than a truncated id acting on the wrong thing.
    private static string ButtonValue(IReadOnlyDictionary<string, string> data)
    {
        var json = new JsonObject();
        foreach (var (key, value) in data)
        {
            json[key] = value;
        }

        var text = json.ToJsonString();
        return text.Length <= MaxButtonValue ? text : throw new ArgumentException($"Button data is {text.Length} characters as JSON; Slack allows {MaxButtonValue}.", nameof(data));
    }

    private static string FallbackText(Card card)
    {
        var text = !string.IsNullOrWhiteSpace(card.FallbackText) ? SlackMrkdwn.FromMarkdown(card.FallbackText.Trim())
            : !string.IsNullOrWhiteSpace(card.Header?.Title) ? SlackMrkdwn.EscapePlain(card.Header.Title.Trim())
            : "A message from ChatCompliance";
        return SlackMrkdwn.Cut(text, MaxSectionText);
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Mrkdwn(mrkdwn) };

    private static JsonObject Context(string mrkdwn) => new() { ["type"] = "context", ["elements"] = new JsonArray(Mrkdwn(mrkdwn)) };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    private static JsonObject PlainText(string text) => new() { ["type"] = "plain_text", ["text"] = text, ["emoji"] = true };

    // Block Kit leaves unset properties out rather than sending null.
    private static JsonObject With(this JsonObject json, string name, JsonNode? value)
    {
        if (value is not null)
        {
            json[name] = value;
        }

        return json;
    }
}
