using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatCompliance.Integrations.Slack;

/// <summary>
/// Reads the bodies of Slack's three request URLs after their signature has been checked, and refuses, with a reason,
/// anything that is not what Slack sends: text that is not UTF-8, bad form encoding, a field given twice, JSON that does
/// not parse, a field of the wrong JSON type, a missing field, an id that is not an id. What passes comes back as a typed
/// record (<see cref="SlackEventEnvelope"/>, <see cref="SlackCommand"/>, <see cref="SlackInteraction"/>): nothing past
/// this class reads Slack's JSON.
/// </summary>
public static partial class SlackInbound
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum Kind
    {
        String,
        Id,
        Object,
        Array,
        Boolean,
    }

    private sealed record Field(string Path, Kind Kind, bool Required = false);

    // Every field the adapter reads, with its JSON type; a field that is present must have that type.
    private static readonly Field[] EnvelopeFields =
    [
        new("type", Kind.String, Required: true),
        new("team_id", Kind.Id),
        new("api_app_id", Kind.Id),
        new("event_id", Kind.Id),
        new("challenge", Kind.String),
        new("event", Kind.Object),
    ];

    private static readonly Field[] EventFields =
    [
        new("type", Kind.String, Required: true),
        new("user", Kind.Id),
        new("channel", Kind.Id),
        new("channel_type", Kind.String),
        new("text", Kind.String),
        new("ts", Kind.String),
        new("thread_ts", Kind.String),
        new("subtype", Kind.String),
        new("bot_id", Kind.Id),
        new("tab", Kind.String),
    ];

    private static readonly Field[] InteractionFields =
    [
        new("type", Kind.String, Required: true),
        new("api_app_id", Kind.Id),
        new("team", Kind.Object),
        new("team.id", Kind.Id),
        new("user", Kind.Object, Required: true),
        new("user.id", Kind.Id, Required: true),
        new("user.name", Kind.String),
        new("user.team_id", Kind.Id),
        new("response_url", Kind.String),
    ];

    private static readonly Field[] BlockActionFields =
    [
        new("channel", Kind.Object),
        new("channel.id", Kind.Id),
        new("container", Kind.Object),
        new("container.channel_id", Kind.Id),
        new("container.message_ts", Kind.String),
        new("container.is_ephemeral", Kind.Boolean),
        new("message", Kind.Object),
        new("message.ts", Kind.String),
        new("actions", Kind.Array, Required: true),
        new("state", Kind.Object),
        new("state.values", Kind.Object),
    ];

    private static readonly Field[] ActionFields =
    [
        new("action_id", Kind.String, Required: true),
        new("value", Kind.String),
    ];

    private static readonly Field[] ViewSubmissionFields =
    [
        new("view", Kind.Object, Required: true),
        new("view.callback_id", Kind.String, Required: true),
        new("view.private_metadata", Kind.String),
        new("view.blocks", Kind.Array),
        new("view.state", Kind.Object),
        new("view.state.values", Kind.Object),
    ];

    private static readonly Field[] InputBlockFields =
    [
        new("type", Kind.String),
        new("block_id", Kind.String),
        new("optional", Kind.Boolean),
    ];

    private static readonly Field[] InputElementFields =
    [
        new("value", Kind.String),
        new("selected_date", Kind.String),
        new("selected_option", Kind.Object),
        new("selected_option.value", Kind.String),
    ];

    /// <summary>Reads an Events API body: a JSON object whose <c>event_callback</c> carries an event id and an event.</summary>
    public static bool TryReadEnvelope(byte[] body, out SlackEventEnvelope envelope, out string problem)
    {
        envelope = null!;
        if (!TryParseObject(body, "The body", out var parsed, out problem) || !TryCheck(parsed, EnvelopeFields, "", out problem))
        {
            return false;
        }

        SlackEvent? slackEvent = null;
        if (Text(parsed, "type") == "event_callback")
        {
            if (Text(parsed, "event_id") is null || parsed["event"] is not JsonObject eventJson)
            {
                problem = "An event_callback needs event_id and an event object.";
                return false;
            }

            if (!TryCheck(eventJson, EventFields, "event.", out problem))
            {
                return false;
            }

            slackEvent = new SlackEvent(Text(eventJson, "type")!, Text(eventJson, "user"), Text(eventJson, "channel"), Text(eventJson, "channel_type"),
                Text(eventJson, "text"), Text(eventJson, "ts"), Text(eventJson, "thread_ts"), Text(eventJson, "subtype"), Text(eventJson, "bot_id"));
        }

        envelope = new SlackEventEnvelope(Text(parsed, "type")!, new SlackOrigin(Text(parsed, "team_id"), Text(parsed, "api_app_id")),
            Text(parsed, "event_id"), Text(parsed, "challenge"), slackEvent);
        return true;
    }

    /// <summary>Reads a form body (slash commands): UTF-8, proper percent-encoding, each field once.</summary>
    private static bool TryReadForm(byte[] body, out Dictionary<string, string> form, out string problem)
    {
        form = new Dictionary<string, string>(StringComparer.Ordinal);
        problem = "";
        if (!TryDecode(body, out var text))
        {
            problem = "The body is not UTF-8 text.";
            return false;
        }

        foreach (var pair in text.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var rawKey = equals < 0 ? pair : pair[..equals];
            var rawValue = equals < 0 ? "" : pair[(equals + 1)..];
            if (!TryUnescape(rawKey, out var key) || !TryUnescape(rawValue, out var value))
            {
                problem = "The form body is not properly encoded (application/x-www-form-urlencoded, UTF-8).";
                return false;
            }

            if (!form.TryAdd(key, value))
            {
                problem = $"The form field '{Shorten(key)}' is given more than once.";
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads a slash command's form: <c>user_id</c> and <c>channel_id</c> are required ids; workspace and app ids, when present, are ids too.</summary>
    public static bool TryReadCommand(byte[] body, out SlackCommand command, out string problem)
    {
        command = null!;
        if (!TryReadForm(body, out var form, out problem))
        {
            return false;
        }

        foreach (var name in (string[])["user_id", "channel_id"])
        {
            if (!form.TryGetValue(name, out var value) || value.Length == 0)
            {
                problem = "The command needs user_id and channel_id.";
                return false;
            }
        }

        foreach (var name in (string[])["user_id", "channel_id", "team_id", "api_app_id"])
        {
            if (form.TryGetValue(name, out var value) && !IsId(value))
            {
                problem = $"The field {name} is not a Slack id.";
                return false;
            }
        }

        command = new SlackCommand(new SlackOrigin(form.GetValueOrDefault("team_id"), form.GetValueOrDefault("api_app_id")),
            form["channel_id"], form["user_id"], form.GetValueOrDefault("text") ?? "");
        return true;
    }

    /// <summary>
    /// Reads an interactivity body: a form whose <c>payload</c> field is a JSON object; a <c>block_actions</c> payload
    /// needs a user, a channel and at least one action with an <c>action_id</c>; a <c>view_submission</c> a user and a view
    /// with a <c>callback_id</c>. Other types pass with only their common fields checked.
    /// </summary>
    public static bool TryReadInteraction(byte[] body, out SlackInteraction interaction, out string problem)
    {
        interaction = null!;
        if (!TryReadForm(body, out var form, out problem))
        {
            return false;
        }

        if (!form.TryGetValue("payload", out var raw))
        {
            problem = "The body needs a JSON payload field.";
            return false;
        }

        if (!TryParseObject(StrictUtf8.GetBytes(raw), "The payload field", out var parsed, out problem)
            || !TryCheck(parsed, InteractionFields, "", out problem))
        {
            return false;
        }

        var origin = new SlackOrigin(Text(parsed, "team", "id") ?? Text(parsed, "user", "team_id"), Text(parsed, "api_app_id"));
        var user = new SlackActor(Text(parsed, "user", "id")!, Text(parsed, "user", "name"));
        var type = Text(parsed, "type")!;
        switch (type)
        {
            case "block_actions":
                if (!TryCheck(parsed, BlockActionFields, "", out problem) || !TryCheckStateValues(parsed["state"]?["values"], "state.values", out problem))
                {
                    return false;
                }

                var actions = (JsonArray)parsed["actions"]!;
                if (actions.Count == 0)
                {
                    problem = "The payload's actions are empty.";
                    return false;
                }

                for (var i = 0; i < actions.Count; i++)
                {
                    if (actions[i] is not JsonObject action || !TryCheck(action, ActionFields, $"actions[{i}].", out problem))
                    {
                        problem = actions[i] is JsonObject ? problem : $"actions[{i}] is not an object.";
                        return false;
                    }
                }

                if ((Text(parsed, "channel", "id") ?? Text(parsed, "container", "channel_id")) is not { } channel)
                {
                    problem = "The payload needs channel.id or container.channel_id.";
                    return false;
                }

                interaction = new SlackBlockActions(origin, user, channel, Text(parsed, "message", "ts") ?? Text(parsed, "container", "message_ts"),
                    IsTrue(parsed, "container", "is_ephemeral"), Text(parsed, "response_url"),
                    new SlackAction(Text(actions[0], "action_id")!, Text(actions[0], "value")), Inputs(parsed["state"]));
                return true;
            case "view_submission":
                if (!TryCheck(parsed, ViewSubmissionFields, "", out problem)
                    || !TryCheckStateValues(parsed["view"]?["state"]?["values"], "view.state.values", out problem))
                {
                    return false;
                }

                var blocks = parsed["view"]?["blocks"] as JsonArray ?? [];
                for (var i = 0; i < blocks.Count; i++)
                {
                    if (blocks[i] is not JsonObject block || !TryCheck(block, InputBlockFields, $"view.blocks[{i}].", out problem))
                    {
                        problem = blocks[i] is JsonObject ? problem : $"view.blocks[{i}] is not an object.";
                        return false;
                    }
                }

                var view = parsed["view"]!;
                var required = blocks.Where(b => Text(b, "type") == "input" && !IsTrue(b, "optional") && Text(b, "block_id") is not null)
                    .Select(b => Text(b, "block_id")!).ToList();
                interaction = new SlackViewSubmission(origin, user, Text(view, "callback_id")!, Text(view, "private_metadata"), required, Inputs(view["state"]));
                return true;
        }

        interaction = new SlackInteraction(type, origin, user);
        return true;
    }

    /// <summary>Input values from a payload's <c>state.values</c> (block id → action id → value), keyed by block id (our input id).</summary>
    private static Dictionary<string, string> Inputs(JsonNode? state)
    {
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (blockId, actions) in state?["values"] as JsonObject ?? [])
        {
            foreach (var (_, element) in actions as JsonObject ?? [])
            {
                if ((Text(element, "value") ?? Text(element, "selected_date") ?? Text(element, "selected_option", "value")) is { } value)
                {
                    inputs[blockId] = value;
                }
            }
        }

        return inputs;
    }

    /// <summary>A string at <paramref name="path"/>, or null when anything on the way is missing or not of the expected type; never throws.</summary>
    internal static string? Text(JsonNode? node, params string[] path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(name, out var next) ? next : null;
        }

        return node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text) ? text : null;
    }

    /// <summary>True at <paramref name="path"/> only for a JSON <c>true</c>; never throws.</summary>
    private static bool IsTrue(JsonNode? node, params string[] path)
    {
        foreach (var name in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(name, out var next) ? next : null;
        }

        return node is JsonValue value && value.GetValueKind() == JsonValueKind.True;
    }

    /// <summary>Slack ids (users, channels, workspaces, apps, events): letters, digits and a few separators, at most 64.</summary>
    public static bool IsId(string? value) => value is not null && IdPattern().IsMatch(value);

    private static bool TryParseObject(byte[] utf8, string what, out JsonObject parsed, out string problem)
    {
        parsed = null!;
        problem = "";
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8);
        }
        catch (JsonException)
        {
            problem = $"{what} is not JSON.";
            return false;
        }

        if (node is not JsonObject obj)
        {
            problem = $"{what} is not a JSON object.";
            return false;
        }

        if (!AllStringsReadable(obj))
        {
            problem = $"{what} holds a string that is not valid text (a lone surrogate).";
            return false;
        }

        parsed = obj;
        return true;
    }

    /// <summary>Reads every string once: an escaped lone surrogate (<c>"\ud800"</c>) parses but throws when read.</summary>
    private static bool AllStringsReadable(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                return obj.All(p => AllStringsReadable(p.Value));
            case JsonArray array:
                return array.All(AllStringsReadable);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    var text = value.GetValue<string>();
                    return !HasLoneSurrogate(text);
                }
                catch (InvalidOperationException)
                {
                    return false;
                }

            default:
                return true;
        }
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryCheck(JsonObject root, Field[] fields, string prefix, out string problem)
    {
        problem = "";
        foreach (var field in fields)
        {
            JsonNode? node = root;
            var present = true;
            foreach (var name in field.Path.Split('.'))
            {
                if (node is JsonObject o && o.TryGetPropertyValue(name, out var next) && next is not null)
                {
                    node = next;
                }
                else
                {
                    present = false;
                    break;
                }
            }

            if (!present)
            {
                if (field.Required)
                {
                    problem = $"The payload needs {prefix}{field.Path}.";
                    return false;
                }

                continue;
            }

            var kind = node!.GetValueKind();
            var ok = field.Kind switch
            {
                Kind.String => kind == JsonValueKind.String,
                Kind.Id => kind == JsonValueKind.String && IsId(node.GetValue<string>()),
                Kind.Object => kind == JsonValueKind.Object,
                Kind.Array => kind == JsonValueKind.Array,
                Kind.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
                _ => false,
            };
            if (!ok)
            {
                problem = field.Kind == Kind.Id && kind == JsonValueKind.String
                    ? $"{prefix}{field.Path} is not a Slack id."
                    : $"{prefix}{field.Path} should be {field.Kind switch { Kind.Id => "a string", Kind.Boolean => "true or false", _ => "a JSON " + field.Kind.ToString().ToLowerInvariant() }}.";
                return false;
            }
        }

        return true;
    }

    /// <summary><c>state.values</c>: block id → action id → an element whose value fields are strings.</summary>
    private static bool TryCheckStateValues(JsonNode? values, string path, out string problem)
    {
        problem = "";
        foreach (var (blockId, actions) in values as JsonObject ?? [])
        {
            if (actions is not JsonObject elements)
            {
                problem = $"{path}.{Shorten(blockId)} is not an object.";
                return false;
            }

            foreach (var (actionId, element) in elements)
            {
                if (element is not JsonObject input)
                {
                    problem = $"{path}.{Shorten(blockId)}.{Shorten(actionId)} is not an object.";
                    return false;
                }

                if (!TryCheck(input, InputElementFields, $"{path}.{Shorten(blockId)}.{Shorten(actionId)}.", out problem))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool TryDecode(byte[] body, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(body);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>Form decoding: <c>+</c> is a space, <c>%XX</c> a byte, and the bytes must be UTF-8; a stray <c>%</c> is refused.</summary>
    private static bool TryUnescape(string raw, out string value)
    {
        value = raw;
        if (raw.AsSpan().IndexOfAny('%', '+') < 0)
        {
            return true; // nothing escaped: the text was already checked as UTF-8
        }

        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%')
            {
                if (i + 2 >= raw.Length || !Uri.IsHexDigit(raw[i + 1]) || !Uri.IsHexDigit(raw[i + 2]))
                {
                    return false;
                }

                bytes.Add((byte)((Uri.FromHex(raw[i + 1]) << 4) | Uri.FromHex(raw[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                bytes.Add((byte)c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < raw.Length)
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(raw.Substring(i, 2)));
                i++;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
            }
        }

        try
        {
            value = StrictUtf8.GetString([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            value = "";
            return false;
        }
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
