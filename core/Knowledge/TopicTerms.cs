namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// The words (stemmed) that name a topic of the knowledge base, and which entry mentions which. A <em>name</em> is a
/// standard's number (iso42001, ssae21, 3402) that few entries mention or none: it alone decides which document a
/// question is about, so an entry that never mentions it does not answer the question. A <em>topic</em> word is a name
/// or a glossary acronym that few entries use: a listed phrasing's topic words must be in its entry's title or answer
/// (the glossary applied, so "SoA" is answered by "Statement of Applicability"). Words of titles are not topics: tried,
/// they flagged 186 of 2,421 phrasings, mostly paraphrases ("startup", "go stale") that the answer does address.
/// </summary>
public sealed partial class TopicTerms
{
    /// <summary>A word used by more than this share of the entries is common ground (iso27001, control, audit), not a topic.</summary>
    public const double RareShare = 0.1;

    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly HashSet<string> _acronyms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _alsoSaidAs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _asked = new(StringComparer.Ordinal);

    public TopicTerms(KnowledgeBase kb)
    {
        var entriesUsing = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in kb.Entries)
        {
            var written = With(kb.Glossary, TextAnalyzer.Terms(entry.Title + "\n" + entry.AnswerText));
            var asked = new HashSet<string>(written, StringComparer.Ordinal);
            foreach (var phrasing in entry.Questions)
            {
                asked.UnionWith(With(kb.Glossary, TextAnalyzer.Terms(phrasing)));
            }

            _written[entry.Id] = written;
            _asked[entry.Id] = asked;
            foreach (var term in asked)
            {
                entriesUsing[term] = entriesUsing.GetValueOrDefault(term) + 1;
            }
        }

        _limit = Math.Max(1, RareShare * kb.Entries.Count);
        _entriesUsing = entriesUsing;
        // The acronym itself, not the words the analyser writes beside it ("sso" adds "single sign on"): those words,
        // all present, answer for it ("pii" is answered by "personal data").
        foreach (var item in kb.Glossary.Items.Where(i => !i.AlsoAWord && !i.Acronym.Contains(' ', StringComparison.Ordinal)))
        {
            var term = TextAnalyzer.Stem(item.Acronym.ToLowerInvariant());
            if (item.AcronymTerms.Contains(term) && Rare(term))
            {
                _topics.Add(term);
                _alsoSaidAs[term] = [.. item.AcronymTerms.Where(t => t != term)];
            }
        }

        foreach (var item in kb.Glossary.Items)
        {
            _acronyms.UnionWith(item.AcronymTerms);
        }
    }

    private readonly double _limit;
    private readonly Dictionary<string, int> _entriesUsing;

    private bool Rare(string term) => _entriesUsing.GetValueOrDefault(term) <= _limit;

    /// <summary>Whether a word is a standard's name or number that few entries mention (see the class).</summary>
    public bool IsName(string term) => StandardName().IsMatch(term) && !Year().IsMatch(term) && Rare(term);

    /// <summary>Whether a word names a topic (see the class).</summary>
    public bool IsTopic(string term) => IsName(term) || _topics.Contains(term);

    /// <summary>Whether a word is a glossary acronym.</summary>
    public bool IsAcronym(string term) => _acronyms.Contains(term);

    /// <summary>The topic words of <paramref name="terms"/> that the entry's title and answer (and, with <paramref name="withQuestions"/>, its phrasings) do not contain.</summary>
    public IReadOnlyList<string> Missing(string entryId, IEnumerable<string> terms, bool withQuestions)
    {
        var text = (withQuestions ? _asked : _written).GetValueOrDefault(entryId);
        return text is null ? [] : [.. terms.Where(t => IsTopic(t) && !text.Contains(t) && !SaidOtherwise(t, text)).Distinct(StringComparer.Ordinal)];
    }

    private bool SaidOtherwise(string term, HashSet<string> text) => _alsoSaidAs.TryGetValue(term, out var words) && words.Length > 0 && words.All(text.Contains);

    /// <summary>Whether the entry's title, answer or phrasings contain the word.</summary>
    public bool Mentions(string entryId, string term) => _asked.TryGetValue(entryId, out var text) && text.Contains(term);

    private static HashSet<string> With(Glossary glossary, List<string> terms)
    {
        var set = new HashSet<string>(terms, StringComparer.Ordinal);
        set.UnionWith(glossary.Expansions(terms));
        return set;
    }

    /// <summary>A standard by body and number as the analyser writes it (iso42001, ssae21, soc1), or a bare standard number (3402).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:iso|iec|ssae|isae|soc|nist|sp)\d+$|^\d{4,5}$")]
    private static partial System.Text.RegularExpressions.Regex StandardName();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(?:19|20)\d\d$")]
    private static partial System.Text.RegularExpressions.Regex Year();
}
