namespace ChatCompliance.Bot.Cli;

/// <summary>
/// Separates the configuration switches the web host understands (<c>--Section:Key value</c>, <c>--Section:Key=value</c>,
/// and the host's own <c>--environment</c>, <c>--urls</c>, <c>--contentRoot</c>, <c>--applicationName</c>) from a verb's
/// own arguments, wherever they appear, so every verb takes the same switches as the server. After <c>--</c>
/// everything belongs to the verb.
/// </summary>
internal static class HostSwitches
{
    private static readonly string[] HostKeys = ["environment", "urls", "contentRoot", "applicationName"];

    public static (string[] Settings, string[] Verb) Split(IReadOnlyList<string> args)
    {
        var settings = new List<string>();
        var verb = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                verb.AddRange(args.Skip(i + 1));
                break;
            }

            if (!IsSetting(arg))
            {
                verb.Add(arg);
                continue;
            }

            settings.Add(arg);
            if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
            {
                settings.Add(args[++i]); // the switch's value
            }
        }

        return ([.. settings], [.. verb]);
    }

    private static bool IsSetting(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
        {
            return false;
        }

        var name = arg[2..].Split('=', 2)[0];
        return name.Contains(':', StringComparison.Ordinal) || HostKeys.Contains(name, StringComparer.OrdinalIgnoreCase);
    }
}
