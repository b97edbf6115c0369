using System.Text.Json;

namespace ChatCompliance.Integrations.Graph;

/// <summary>
/// A group's membership as Graph's group delta query tracks it: the direct members (users and groups) of the reviewed
/// group and of every group nested in it, from which the transitive users follow. Built from a delta round's
/// <c>members@delta</c> and changed by the next rounds; anything it can't account for (a group it didn't ask for, a
/// deleted group, a newly nested group whose members it never read, a member without an id) is a
/// <see cref="DeltaDoubtException"/>, and the caller reads in full instead.
/// </summary>
internal sealed class GroupMembership
{
    private const int FormatVersion = 1;
    private const string UserType = "#microsoft.graph.user";
    private const string GroupType = "#microsoft.graph.group";

    private readonly Dictionary<string, Members> _groups;

    private GroupMembership(string root, Dictionary<string, Members> groups)
    {
        Root = root;
        _groups = groups;
    }

    /// <summary>The reviewed group's id.</summary>
    public string Root { get; }

    /// <summary>The groups tracked: the reviewed one and those nested in it when tracking began.</summary>
    public IReadOnlyCollection<string> Tracked => _groups.Keys;

    /// <summary>No members yet, for the first round over <paramref name="tracked"/> (which includes <paramref name="root"/>).</summary>
    public static GroupMembership Empty(string root, IEnumerable<string> tracked)
    {
        var groups = new Dictionary<string, Members>(StringComparer.OrdinalIgnoreCase) { [root] = new() };
        foreach (var id in tracked)
        {
            groups.TryAdd(id, new Members());
        }

        return new GroupMembership(root, groups);
    }

    /// <summary>The membership <see cref="ToJson"/> wrote for <paramref name="root"/>; a doubt when it isn't that.</summary>
    public static GroupMembership Parse(string json, string root)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var top = document.RootElement;
            if (top.ValueKind != JsonValueKind.Object
                || !top.TryGetProperty("v", out var version) || version.ValueKind != JsonValueKind.Number || version.GetInt32() != FormatVersion
                || GraphJsonClient.Text(top, "root") is not { } stored || !string.Equals(stored, root, StringComparison.OrdinalIgnoreCase)
                || !top.TryGetProperty("groups", out var groups) || groups.ValueKind != JsonValueKind.Object)
            {
                throw new DeltaDoubtException("the kept membership isn't of this group or this format");
            }

            var parsed = new Dictionary<string, Members>(StringComparer.OrdinalIgnoreCase);
            foreach (var group in groups.EnumerateObject())
            {
                parsed[group.Name] = new Members(Ids(group.Value, "users"), Ids(group.Value, "groups"));
            }

            if (!parsed.ContainsKey(root) || parsed.Values.Any(m => m.Groups.Any(g => !parsed.ContainsKey(g))))
            {
                throw new DeltaDoubtException("the kept membership lacks a group it names");
            }

            return new GroupMembership(root, parsed);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new DeltaDoubtException("the kept membership isn't readable");
        }
    }

    /// <summary>
    /// Applies one group of a delta page: <c>{"id", "members@delta": [{"@odata.type", "id", "@removed"?}]}</c>. Members
    /// other than users and groups (devices, service principals, contacts) are not people and are left out, as the
    /// full read's <c>transitiveMembers/graph.user</c> leaves them out.
    /// </summary>
    public void Apply(JsonElement group)
    {
        if (GraphJsonClient.Text(group, "id") is not { } id || !_groups.TryGetValue(id, out var members))
        {
            throw new DeltaDoubtException("a group the delta wasn't asked for");
        }

        if (group.TryGetProperty("@removed", out _))
        {
            throw new DeltaDoubtException("a tracked group was deleted");
        }

        if (!group.TryGetProperty("members@delta", out var changes))
        {
            return; // a change to the group itself, not to its members
        }

        if (changes.ValueKind != JsonValueKind.Array)
        {
            throw new DeltaDoubtException("members@delta isn't an array");
        }

        foreach (var change in changes.EnumerateArray())
        {
            if (GraphJsonClient.Text(change, "id") is not { Length: > 0 } memberId)
            {
                throw new DeltaDoubtException("a member change without an id");
            }

            if (change.TryGetProperty("@removed", out _))
            {
                members.Users.Remove(memberId);
                members.Groups.Remove(memberId);
                continue;
            }

            switch (GraphJsonClient.Text(change, "@odata.type"))
            {
                case UserType:
                    members.Users.Add(memberId);
                    break;
                case GroupType when _groups.ContainsKey(memberId):
                    members.Groups.Add(memberId);
                    break;
                case GroupType:
                    throw new DeltaDoubtException("a group was newly nested, whose members weren't tracked");
                case null:
                    throw new DeltaDoubtException("a member change without a type");
                default:
                    break;
            }
        }
    }

    /// <summary>Every user reachable from the reviewed group, each once, in id order.</summary>
    public IReadOnlyList<string> Users()
    {
        var users = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Root };
        var pending = new Queue<string>([Root]);
        while (pending.TryDequeue(out var id))
        {
            var members = _groups[id];
            users.UnionWith(members.Users);
            foreach (var nested in members.Groups.Where(seen.Add))
            {
                pending.Enqueue(nested);
            }
        }

        return [.. users];
    }

    /// <summary>Whether the user is a direct member of the reviewed group.</summary>
    public bool IsDirect(string userId) => _groups[Root].Users.Contains(userId);

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", FormatVersion);
            writer.WriteString("root", Root);
            writer.WriteStartObject("groups");
            foreach (var (id, members) in _groups.OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(id);
                Write(writer, "users", members.Users);
                Write(writer, "groups", members.Groups);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, string name, HashSet<string> ids)
    {
        writer.WriteStartArray(name);
        foreach (var id in ids.Order(StringComparer.Ordinal))
        {
            writer.WriteStringValue(id);
        }

        writer.WriteEndArray();
    }

    private static HashSet<string> Ids(JsonElement group, string name)
    {
        if (group.ValueKind != JsonValueKind.Object || !group.TryGetProperty(name, out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            throw new DeltaDoubtException("the kept membership isn't readable");
        }

        return ids.EnumerateArray().Select(i => i.GetString() is { Length: > 0 } id ? id : throw new DeltaDoubtException("the kept membership isn't readable"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class Members(HashSet<string>? users = null, HashSet<string>? groups = null)
    {
        public HashSet<string> Users { get; } = users ?? new(StringComparer.OrdinalIgnoreCase);

        public HashSet<string> Groups { get; } = groups ?? new(StringComparer.OrdinalIgnoreCase);
    }
}

/// <summary>Something about a delta (the kept state, or Graph's answer) that can't be trusted: read in full instead.</summary>
internal sealed class DeltaDoubtException(string reason) : Exception(reason);
