using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatCompliance.Tests.Infrastructure;

namespace ChatCompliance.Tests.Readme;

/// <summary>
/// The README is true: every verb and option its command examples use exists (the real program's <c>--help</c> says
/// so), and every setting its configuration table names is one the program reads. (Its two commands, run and test,
/// are run by <c>.ci/run</c> in a fresh clone: running the test command from inside the tests would recurse.)
/// </summary>
public sealed partial class ReadmeTests
{
    private static readonly string Root = RepositoryRoot();

    /// <summary>Keys read straight from configuration rather than through an options class.</summary>
    private static readonly string[] DirectKeys =
        ["Urls", "ConnectionStrings:Postgres", "Logging:LogLevel:Default", "Server:InlineScheduling", global::ChatCompliance.Bot.Hosting.DataProtectionKeys.KeysDirectoryKey];

    public static TheoryData<string> Verbs()
    {
        var data = new TheoryData<string>();
        foreach (var verb in CliExamples().Select(e => e.Verb).Distinct(StringComparer.Ordinal))
        {
            data.Add(verb);
        }

        return data;
    }

    [Fact]
    public void The_readme_shows_the_verbs_and_the_settings()
    {
        Assert.True(CliExamples().Select(e => e.Verb).Distinct().Count() >= 10, string.Join(", ", CliExamples().Select(e => e.Verb).Distinct()));
        Assert.True(SettingKeys().Count >= 50, string.Join(", ", SettingKeys()));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Every_verb_the_readme_uses_has_help_naming_the_options_it_uses(string verb)
    {
        var result = await BotProcess.RunAsync([.. verb.Split(' '), "--help"]);

        Assert.True(result.Exit == 0, $"{verb} --help: exit {result.Exit}\n{result.Stderr}");
        Assert.Contains("Usage:", result.Stdout, StringComparison.Ordinal);
        foreach (var option in CliExamples().Where(e => e.Verb == verb).SelectMany(e => e.Options).Distinct())
        {
            Assert.True(Regex.IsMatch(result.Stdout, $@"(^|[\s,]){Regex.Escape(option)}([\s,=]|$)", RegexOptions.Multiline),
                $"the README uses `{verb} {option}`, which `{verb} --help` does not list:\n{result.Stdout}");
        }
    }

    [Fact]
    public void Every_setting_the_readme_names_is_read_by_the_program()
    {
        var sections = OptionSections();
        var appSettings = AppSettingsKeys();
        var unknown = SettingKeys().Where(key => !Known(key, sections, appSettings)).ToList();

        Assert.True(unknown.Count == 0, "the README names settings the program does not read: " + string.Join(", ", unknown));
    }

    private static bool Known(string key, Dictionary<string, Type> sections, HashSet<string> appSettings)
    {
        if (DirectKeys.Contains(key, StringComparer.OrdinalIgnoreCase) || appSettings.Contains(key))
        {
            return true;
        }

        // The longest section the key starts with names the options class; the next part must be one of its properties.
        var section = sections.Keys.Where(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Length);
        if (section is not null)
        {
            var property = key[(section.Length + 1)..].Split(':')[0];
            return sections[section].GetProperty(property, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is not null;
        }

        // Bot Framework's own names (MicrosoftAppId …) are read from the configuration root.
        return !key.Contains(':', StringComparison.Ordinal) && sections.Values.Any(t => t.GetProperty(key, BindingFlags.Public | BindingFlags.Instance) is not null);
    }

    /// <summary>The options classes by section: every type of the program with a <c>const string SectionName</c>.</summary>
    private static Dictionary<string, Type> OptionSections()
    {
        var assemblies = new[] { typeof(Program).Assembly }
            .Concat(typeof(Program).Assembly.GetReferencedAssemblies().Where(a => a.Name!.StartsWith("ChatCompliance.", StringComparison.Ordinal)).Select(Assembly.Load))
            .Concat([typeof(global::ChatCompliance.Jobs.JobsExtensions).Assembly, typeof(global::ChatCompliance.Core.Storage.StorageOptions).Assembly,
                typeof(global::ChatCompliance.Integrations.Slack.SlackOptions).Assembly])
            .Distinct();
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetRawConstantValue() is string name)
            {
                sections[name] = type;
            }
        }

        return sections;
    }

    private static HashSet<string> AppSettingsKeys()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "bot", "appsettings.json")), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        void Walk(JsonElement element, string prefix)
        {
            foreach (var property in element.EnumerateObject())
            {
                var key = prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}";
                keys.Add(key);
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    Walk(property.Value, key);
                }
            }
        }

        Walk(json.RootElement, "");
        return keys;
    }

    /// <summary>The names in the first column of the README's configuration table (`a`, `b` …; `…Suffix` abbreviations are skipped).</summary>
    private static List<string> SettingKeys()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("| setting |", StringComparison.Ordinal));
        Assert.True(start >= 0, "the README has no configuration table");
        var keys = new List<string>();
        foreach (var line in lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|')))
        {
            string? section = null;
            foreach (Match name in BacktickedName().Matches(line.Split('|')[1]))
            {
                var key = Regex.Replace(name.Groups[1].Value, @":\{[^}]+\}.*$", "");
                if (key.StartsWith('…'))
                {
                    continue;
                }

                // `Teams:Connector:ConversationPerSecond`, … `TenantPerSecond`: a bare name continues the previous key's section.
                key = !key.Contains(':', StringComparison.Ordinal) && section is not null ? $"{section}:{key}" : key;
                section = key.Contains(':', StringComparison.Ordinal) ? key[..key.LastIndexOf(':')] : null;
                keys.Add(key);
            }
        }

        return keys;
    }

    private sealed record CliExample(string Verb, IReadOnlyList<string> Options);

    /// <summary>Every <c>dotnet run --project bot -- …</c> in the README's shell blocks: the verb (its leading words) and the options it passes.</summary>
    private static List<CliExample> CliExamples()
    {
        var examples = new List<CliExample>();
        var inShell = false;
        foreach (var line in File.ReadAllLines(Path.Combine(Root, "README.md")))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line.Trim() is "```sh" or "```bash";
                continue;
            }

            var at = line.IndexOf("dotnet run --project bot -- ", StringComparison.Ordinal);
            if (!inShell || at < 0)
            {
                continue;
            }

            var words = Words(line[(at + "dotnet run --project bot -- ".Length)..]);
            var verb = string.Join(' ', words.TakeWhile(w => VerbWord().IsMatch(w)));
            var options = words.Where(w => w.StartsWith("--", StringComparison.Ordinal)).Select(w => w.Split('=')[0])
                .Where(w => !w.Contains(':', StringComparison.Ordinal) && w is not ("--environment" or "--urls")).ToList();
            examples.Add(new CliExample(verb, options));
        }

        return examples;
    }

    /// <summary>A command line's words up to a comment, redirection, pipe or closing parenthesis; quoted words whole, placeholders left out.</summary>
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        foreach (Match word in ShellWord().Matches(text))
        {
            var value = word.Value;
            if (value.StartsWith('#') || value is "<" or ">" or "|" or ")" or "2>")
            {
                break;
            }

            if (!value.StartsWith('<') && !value.StartsWith("[<", StringComparison.Ordinal))
            {
                words.Add(value.Trim('[', ']')); // <placeholders> are left out
            }
        }

        return words;
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ChatCompliance.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (ChatCompliance.slnx) is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"`([A-Za-z…][A-Za-z0-9_:{}…]*)`")]
    private static partial Regex BacktickedName();

    [GeneratedRegex(@"^[a-z][a-z-]*$")]
    private static partial Regex VerbWord();

    [GeneratedRegex(@"""[^""]*""|'[^']*'|\S+")]
    private static partial Regex ShellWord();
}
