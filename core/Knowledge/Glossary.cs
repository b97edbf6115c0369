using System.Text.RegularExpressions;
using CsvHelper;

namespace ChatCompliance.Core.Knowledge;

/// <summary>An acronym, what it stands for (our wording) and where the term is defined.</summary>
/// <param name="Acronym">As it is usually written: <c>SoA</c>, <c>CUEC</c>.</param>
/// <param name="Expansion">What it stands for: <c>Statement of Applicability</c>.</param>
/// <param name="Source">The issuing body's address for the term.</param>
/// <param name="AlsoAWord">The acronym is an everyday word too (CAR, car): only its capitals name it, and the index never expands it.</param>
public sealed record GlossaryItem(string Acronym, string Expansion, string Source, bool AlsoAWord = false)
{
    /// <summary>The acronym's index terms (one, or a few for "PCI DSS").</summary>
    public IReadOnlyList<string> AcronymTerms { get; } = TextAnalyzer.Terms(Acronym);

    /// <summary>The expansion's index terms, stop words dropped and stemmed.</summary>
    public IReadOnlyList<string> ExpansionTerms { get; } = TextAnalyzer.Terms(Expansion);

    /// <summary>The acronym written in a text as a word of its own, in any case, plural or not (CUECs).</summary>
    internal Regex AcronymPattern { get; } = new($@"(?<![\w.]){Regex.Escape(Acronym).Replace(@"\ ", @"[\s-]*", StringComparison.Ordinal)}s?(?![\w])",
        (AlsoAWord ? RegexOptions.None : RegexOptions.IgnoreCase) | RegexOptions.CultureInvariant);

    /// <summary>The acronym up to its first space: every text that writes the acronym contains it, in some case.</summary>
    internal string FirstWord { get; } = Acronym.Split(' ')[0];

    /// <summary>The expansion written out in a text (hyphens, spaces and a plural ending aside).</summary>
    internal Regex ExpansionPattern { get; } = new(
        @"\b" + string.Join(@"[\s-]+", Expansion.Split([' ', '-'], StringSplitOptions.RemoveEmptyEntries).Select(w => Regex.Escape(w.TrimEnd('s')) + "s?")) + @"\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}

/// <summary>
/// The acronyms of <c>knowledge/catalogs/acronyms.csv</c>: one list that makes an acronym and its expansion meet in
/// the index (either one asked finds entries written with the other) and that spells an acronym out in an answer.
/// </summary>
public sealed class Glossary
{
    public const string FileName = "acronyms.csv";

    public static readonly Glossary Empty = new([]);

    public Glossary(IEnumerable<GlossaryItem> items)
    {
        // An acronym that analyses to nothing (a stop word) or to the same terms as its expansion adds nothing to the index.
        Items = [.. items];
        _expanding = [.. Items.Where(i => !i.AlsoAWord && i.AcronymTerms.Count > 0 && i.ExpansionTerms.Count > 0 && !i.AcronymTerms.SequenceEqual(i.ExpansionTerms))];
    }

    private readonly GlossaryItem[] _expanding;

    public IReadOnlyList<GlossaryItem> Items { get; }

    /// <summary>
    /// The terms to add to an analysed text so that an acronym and its expansion meet: the expansion's terms where the
    /// acronym occurs, and the acronym's where the expansion occurs (each once, and only those not there already).
    /// </summary>
    public IEnumerable<string> Expansions(IReadOnlyList<string> terms)
    {
        if (_expanding.Length == 0 || terms.Count == 0)
        {
            yield break;
        }

        var present = new HashSet<string>(terms, StringComparer.Ordinal);
        foreach (var item in _expanding)
        {
            IReadOnlyList<string>? add = Contains(terms, present, item.AcronymTerms) ? item.ExpansionTerms
                : Contains(terms, present, item.ExpansionTerms) ? item.AcronymTerms
                : null;
            foreach (var term in add ?? [])
            {
                if (present.Add(term))
                {
                    yield return term;
                }
            }
        }
    }

    /// <summary>The words of the glossary (acronyms and expansions), lower case: a misspelling of one is corrected to it.</summary>
    public IEnumerable<string> Words() =>
        _expanding.SelectMany(i => TextAnalyzer.Words(i.Acronym).Concat(TextAnalyzer.Words(i.Expansion))).Distinct(StringComparer.Ordinal);

    /// <summary>The items whose acronym is written in <paramref name="text"/>, in the order they first appear.</summary>
    public IReadOnlyList<GlossaryItem> AcronymsIn(string text)
    {
        // In ASCII text an acronym can only be written where its first word is (in any case): the pattern runs only there.
        // Beyond ASCII, case-insensitive matching knows more forms (the Kelvin sign is a k), so every pattern runs.
        var ascii = System.Text.Ascii.IsValid(text);
        return [.. Items
            .Where(i => !ascii || text.Contains(i.FirstWord, StringComparison.OrdinalIgnoreCase))
            .Select(i => (Item: i, Match: i.AcronymPattern.Match(text))).Where(x => x.Match.Success).OrderBy(x => x.Match.Index).Select(x => x.Item)];
    }

    /// <summary>Whether <paramref name="text"/> already writes out what <paramref name="item"/> stands for.</summary>
    public static bool SpellsOut(string text, GlossaryItem item) => item.ExpansionPattern.IsMatch(text);

    /// <summary>Reads <c>acronyms.csv</c> from a catalogs folder; no file is an empty glossary.</summary>
    public static Glossary Load(string catalogsFolder, List<KnowledgeProblem>? problems = null)
    {
        var path = Path.Combine(catalogsFolder, FileName);
        if (!File.Exists(path))
        {
            return Empty;
        }

        var items = new List<GlossaryItem>();
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true, TrimWhitespace = true });
        while (csv.Read())
        {
            var acronym = csv.GetString("acronym") ?? "";
            var expansion = csv.GetString("expansion") ?? "";
            var source = csv.GetString("source") ?? "";
            var alsoAWord = csv.Headers.Contains("also_a_word") && string.Equals(csv.GetString("also_a_word"), "yes", StringComparison.OrdinalIgnoreCase);
            if (acronym.Length == 0 || expansion.Length == 0 || !Uri.TryCreate(source, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
            {
                problems?.Add(new($"catalogs/{FileName}", $"'{acronym}' needs an acronym, an expansion and an https source"));
                continue;
            }

            items.Add(new GlossaryItem(acronym, expansion, source, alsoAWord));
        }

        foreach (var duplicate in items.GroupBy(i => i.Acronym, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems?.Add(new($"catalogs/{FileName}", $"'{duplicate.Key}' appears {duplicate.Count()} times"));
        }

        return new Glossary(items);
    }

    private static bool Contains(IReadOnlyList<string> terms, HashSet<string> present, IReadOnlyList<string> sequence)
    {
        if (!sequence.All(present.Contains))
        {
            return false;
        }

        for (var start = 0; start + sequence.Count <= terms.Count; start++)
        {
            var i = 0;
            while (i < sequence.Count && terms[start + i] == sequence[i])
            {
                i++;
            }

            if (i == sequence.Count)
            {
                return true;
            }
        }

        return false;
    }
}
