using System.Globalization;
using System.Text.RegularExpressions;
using Markdig;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ChatCompliance.Core.Knowledge;

/// <summary>Something wrong with the knowledge base: which file, and what.</summary>
public sealed record KnowledgeProblem(string File, string Message)
{
    public override string ToString() => $"{File}: {Message}";
}

/// <summary>The curated entries and the catalogs, loaded from <c>knowledge/</c>.</summary>
public sealed partial class KnowledgeBase
{
    /// <summary>The fewest phrasings an entry may list.</summary>
    public const int MinimumQuestions = 4;

    /// <summary>An answer longer than this is not chat-sized.</summary>
    public const int MaximumAnswerWords = 160;

    public KnowledgeBase(IReadOnlyList<KnowledgeEntry> entries, Catalog catalog, Glossary? glossary = null)
    {
        Entries = entries;
        Catalog = catalog;
        Glossary = glossary ?? Glossary.Empty;
        ById = entries.GroupBy(e => e.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    public IReadOnlyList<KnowledgeEntry> Entries { get; }

    public Catalog Catalog { get; }

    /// <summary>The acronyms and what they stand for (<c>catalogs/acronyms.csv</c>).</summary>
    public Glossary Glossary { get; }

    public IReadOnlyDictionary<string, KnowledgeEntry> ById { get; }

    /// <summary>Loads the folder (with <c>entries/</c> and <c>catalogs/</c>) and reports every problem found.</summary>
    public static (KnowledgeBase KnowledgeBase, IReadOnlyList<KnowledgeProblem> Problems) Load(string folder)
    {
        var problems = new List<KnowledgeProblem>();
        var catalog = Catalog.Load(Path.Combine(folder, "catalogs"));
        problems.AddRange(CheckCatalog(catalog));
        var glossary = Glossary.Load(Path.Combine(folder, "catalogs"), problems);

        var entries = new List<KnowledgeEntry>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, "entries"), "*.md").Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(folder, file);
            var entry = Parse(name, File.ReadAllText(file), problems);
            if (entry is not null)
            {
                if (entry.Id != Path.GetFileNameWithoutExtension(file))
                {
                    problems.Add(new(name, $"id '{entry.Id}' differs from the file name"));
                }

                entries.Add(entry);
            }
        }

        var kb = new KnowledgeBase(entries, catalog, glossary);
        problems.AddRange(kb.CheckLinks());
        problems.AddRange(kb.CheckPhrasings());
        return (kb, problems);
    }

    /// <summary>Parses one entry file; problems are added to <paramref name="problems"/> and null returned when it cannot be used.</summary>
    public static KnowledgeEntry? Parse(string file, string text, List<KnowledgeProblem> problems)
    {
        var match = FrontMatter().Match(text.ReplaceLineEndings("\n"));
        if (!match.Success)
        {
            problems.Add(new(file, "no YAML front matter between '---' lines"));
            return null;
        }

        EntryFrontMatter? front;
        try
        {
            front = Yaml.Deserialize<EntryFrontMatter>(match.Groups["yaml"].Value);
        }
        catch (YamlException e)
        {
            problems.Add(new(file, $"front matter is not valid: {e.Message}"));
            return null;
        }

        // Chat shows every line break: the editor's wraps are undone once, here.
        var body = ParagraphText.Unwrap(match.Groups["body"].Value.Trim());
        var before = problems.Count;
        if (front is null)
        {
            problems.Add(new(file, "front matter is empty"));
            return null;
        }

        var questions = Clean(front.Questions);
        var references = Clean(front.References);
        var related = Clean(front.Related);
        var sources = (front.Sources ?? []).OfType<SourceFrontMatter>().ToList();

        Require(string.IsNullOrWhiteSpace(front.Id) || !EntryId().IsMatch(front.Id), "id is missing or not kebab-case");
        Require(string.IsNullOrWhiteSpace(front.Title), "title is missing");
        Require(questions.Count < MinimumQuestions, $"needs at least {MinimumQuestions} questions");
        Require(references.Count == 0, "needs at least one reference");
        Require(sources.Count == 0, "needs at least one source");
        foreach (var source in sources)
        {
            Require(string.IsNullOrWhiteSpace(source.Title), "a source has no title");
            if (string.IsNullOrWhiteSpace(source.Url))
            {
                // An exported draft keeps the team's answer as its source (kb export-drafts): say what to add, not only what is wrong.
                Require(true, source.Title?.Trim().StartsWith(Curation.DraftRules.TeamAnswerSource, StringComparison.OrdinalIgnoreCase) == true
                    ? $"source '{source.Title.Trim()}' is the compliance team's own answer: add the primary source it rests on (a title and its http(s) address from AICPA, ISO, IAF, a regulator or an audit firm)"
                    : $"source '{source.Title?.Trim()}' has no address (url)");
                continue;
            }

            Require(!Uri.TryCreate(source.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp),
                $"source address '{source.Url}' is not an http(s) address");
        }

        Require(string.IsNullOrWhiteSpace(front.Owner), "owner is missing");
        var reviewed = DateOnly.MinValue;
        Require(!DateOnly.TryParseExact(front.LastReviewed ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out reviewed),
            "last_reviewed is missing or not a yyyy-MM-dd date");
        Require(body.Length == 0, "the answer is empty");
        var plain = Markdown.ToPlainText(body).Trim();
        var words = plain.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        Require(words > MaximumAnswerWords, $"the answer has {words} words; keep it under {MaximumAnswerWords} for chat");
        if (problems.Count > before)
        {
            return null;
        }

        return new KnowledgeEntry(
            front.Id!, front.Title!.Trim(),
            questions, references, [.. sources.Select(s => new Source(s.Title!.Trim(), s.Url!.Trim()))],
            front.Owner!.Trim(), reviewed, related, body)
        {
            AnswerText = plain,
        };

        void Require(bool failed, string message)
        {
            if (failed)
            {
                problems.Add(new(file, message));
            }
        }
    }

    private static List<string> Clean(List<string?>? values) =>
        [.. (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim())];

    private IEnumerable<KnowledgeProblem> CheckLinks()
    {
        foreach (var duplicate in Entries.GroupBy(e => e.Id).Where(g => g.Count() > 1))
        {
            yield return new($"entries/{duplicate.Key}.md", $"id '{duplicate.Key}' is used by {duplicate.Count()} entries");
        }

        foreach (var entry in Entries)
        {
            var file = $"entries/{entry.Id}.md";
            foreach (var reference in entry.References.Where(r => !Catalog.Contains(r)))
            {
                yield return new(file, $"unknown reference '{reference}' (use SOC2:CC6.1, ISO27001:9.2 or ISO27001:A.5.15 from the catalogs)");
            }

            foreach (var related in entry.Related.Where(r => !ById.ContainsKey(r)))
            {
                yield return new(file, $"related entry '{related}' does not exist");
            }

            foreach (Match link in EntryLink().Matches(entry.Answer))
            {
                var target = link.Groups["id"].Value;
                if (!ById.ContainsKey(target))
                {
                    yield return new(file, $"link to entry '{target}' goes nowhere");
                }
            }
        }
    }

    /// <summary>
    /// Each listed phrasing must be answered by its entry's own text: its key words (content words after stop words,
    /// stemming and the glossary) appear in the entry's title or answer. A phrasing that asks about something the text
    /// never mentions sends the question to an entry that does not answer it.
    /// </summary>
    public IEnumerable<KnowledgeProblem> CheckPhrasings()
    {
        // The same question (letters and digits after normalising) under two entries sends people to either at random: it belongs to one.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            foreach (var phrasing in entry.Questions)
            {
                if (UnansweredWords(entry, phrasing).Count > 0)
                {
                    yield return new($"entries/{entry.Id}.md", $"phrasing not answered by its text: {entry.Id}: {phrasing}");
                }

                var read = string.Concat(TextAnalyzer.Normalise(phrasing).Where(char.IsLetterOrDigit));
                if (read.Length > 0 && owners.TryGetValue(read, out var owner) && owner != entry.Id)
                {
                    yield return new($"entries/{entry.Id}.md", $"phrasing also listed under {owner}: {entry.Id}: {phrasing}");
                }

                owners.TryAdd(read, entry.Id);
            }
        }
    }

    /// <summary>The key words of <paramref name="phrasing"/> (stemmed topic words, see <see cref="TopicTerms"/>) that the entry's title and answer do not contain.</summary>
    public IReadOnlyList<string> UnansweredWords(KnowledgeEntry entry, string phrasing) =>
        Topics.Missing(entry.Id, TextAnalyzer.Terms(phrasing), withQuestions: false);

    /// <summary>The words that name the knowledge base's topics, and which entry mentions which.</summary>
    public TopicTerms Topics => _topics ??= new TopicTerms(this);

    private TopicTerms? _topics;

    private static IEnumerable<KnowledgeProblem> CheckCatalog(Catalog catalog)
    {
        const string file = "catalogs";
        var counts = catalog.Items.GroupBy(i => i.Kind).ToDictionary(g => g.Key, g => g.Count());
        if (counts.GetValueOrDefault(CatalogKind.Soc2Criterion) != 61)
        {
            yield return new(file, $"soc2_criteria.csv has {counts.GetValueOrDefault(CatalogKind.Soc2Criterion)} criteria, expected 61");
        }

        if (counts.GetValueOrDefault(CatalogKind.AnnexAControl) != 93)
        {
            yield return new(file, $"iso27001_annex_a.csv has {counts.GetValueOrDefault(CatalogKind.AnnexAControl)} controls, expected 93");
        }

        foreach (var framework in Frameworks.Where(f => !catalog.Sources.ContainsKey(f)))
        {
            yield return new("catalogs/sources.csv", $"no source for the {framework} catalog");
        }

        foreach (var duplicate in catalog.Items.GroupBy(i => i.Ref, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            yield return new(file, $"'{duplicate.Key}' appears {duplicate.Count()} times");
        }

        foreach (var item in catalog.Items.Where(i => string.IsNullOrWhiteSpace(i.Title) || string.IsNullOrWhiteSpace(i.Description)))
        {
            yield return new(file, $"'{item.Ref}' needs a title and a description");
        }

        foreach (var problem in CheckCrosswalk(catalog))
        {
            yield return problem;
        }
    }

    /// <summary>
    /// Every pair must say why (a rationale), how closely (a known strength) and who says so (a known source of
    /// record); a pair only we support may claim no more than <c>related</c>, and no pair may appear twice.
    /// </summary>
    private static IEnumerable<KnowledgeProblem> CheckCrosswalk(Catalog catalog)
    {
        const string file = "catalogs/crosswalk.csv";
        foreach (var source in catalog.CrosswalkSources.Values.Where(s => string.IsNullOrWhiteSpace(s.Title) || string.IsNullOrWhiteSpace(s.Covers)
            || (s.Id != CrosswalkSource.Ours && (string.IsNullOrWhiteSpace(s.Licence) || !Uri.TryCreate(s.Url, UriKind.Absolute, out _)))))
        {
            yield return new("catalogs/crosswalk_sources.csv", $"source '{source.Id}' needs a title, an address, a licence and what it covers");
        }

        foreach (var pair in catalog.Crosswalk)
        {
            var name = $"pair {pair.Soc2Ref} - {pair.IsoRef}";
            if (!catalog.Contains(pair.Soc2Ref) || !catalog.Contains(pair.IsoRef))
            {
                yield return new(file, $"{name} names an unknown id");
            }

            if (string.IsNullOrWhiteSpace(pair.Rationale))
            {
                yield return new(file, $"{name} needs a rationale");
            }

            if (string.IsNullOrWhiteSpace(pair.Source))
            {
                yield return new(file, $"{name} needs a source (an id of crosswalk_sources.csv, or '{CrosswalkSource.Ours}')");
            }
            else if (!catalog.CrosswalkSources.ContainsKey(pair.Source))
            {
                yield return new(file, $"{name} cites unknown source '{pair.Source}'");
            }

            if (!CrosswalkStrength.IsKnown(pair.Strength))
            {
                yield return new(file, $"{name} has unknown strength '{pair.Strength}' (use {string.Join(", ", CrosswalkStrength.All)})");
            }
            else if (pair.Source == CrosswalkSource.Ours && pair.Strength != CrosswalkStrength.Related)
            {
                yield return new(file, $"{name} is ours alone, so it can be no more than '{CrosswalkStrength.Related}'");
            }
        }

        foreach (var duplicate in catalog.Crosswalk.GroupBy(p => (p.Soc2Ref.ToUpperInvariant(), p.IsoRef.ToUpperInvariant())).Where(g => g.Count() > 1))
        {
            yield return new(file, $"pair {duplicate.First().Soc2Ref} - {duplicate.First().IsoRef} appears {duplicate.Count()} times");
        }
    }

    private static readonly string[] Frameworks = ["SOC2", "ISO27001"];

    private static readonly IDeserializer Yaml = new DeserializerBuilder()
        .WithNamingConvention(UnderscoredNamingConvention.Instance)
        .Build();

    [GeneratedRegex(@"\A\s*---\n(?<yaml>.*?)\n---\n(?<body>.*)\z", RegexOptions.Singleline)]
    private static partial Regex FrontMatter();

    [GeneratedRegex(@"\A[a-z0-9]+(-[a-z0-9]+)*\z")]
    private static partial Regex EntryId();

    /// <summary>Links between entries in answers: <c>[text](entry:some-id)</c>.</summary>
    [GeneratedRegex(@"\]\(entry:(?<id>[^)\s]+)\)")]
    private static partial Regex EntryLink();

    private sealed class EntryFrontMatter
    {
        public string? Id { get; set; }
        public string? Title { get; set; }
        public List<string?>? Questions { get; set; }
        public List<string?>? References { get; set; }
        public List<SourceFrontMatter?>? Sources { get; set; }
        public string? Owner { get; set; }
        public string? LastReviewed { get; set; }
        public List<string?>? Related { get; set; }
    }

    private sealed class SourceFrontMatter
    {
        public string? Title { get; set; }
        public string? Url { get; set; }
    }
}
