using System.Text.RegularExpressions;

namespace ChatCompliance.Core.Knowledge;

/// <summary>The framework a follow-up asks about (not <c>Domain.Framework</c>, an audit's framework).</summary>
internal enum TopicFramework
{
    Soc2,
    Iso,
}

/// <summary>What a question is, read as a possible follow-up: its kind and, when it names one, the framework or variant it asks for.</summary>
internal readonly record struct FollowUp(FollowUpKind Kind, TopicFramework? Target = null, string? Variant = null);

/// <summary>
/// Reads follow-ups ("and for ISO?", "what about type 1?", "which clause is that?", "show the mapping", "how long does
/// that take?") and rewrites the remembered topic's question for them. Only text work lives here: which entry answers
/// is always left to the engine, so a follow-up is found the way any question is (no table of entry pairs).
/// A question that says what it is about is never a follow-up: the patterns below are whole short phrases, or
/// questions whose only subject is "that"/"it".
/// </summary>
internal static partial class FollowUps
{
    /// <summary>Longer than this, a question with "it" or "that" in it is taken to stand on its own.</summary>
    private const int MaximumPronounWords = 9;

    /// <summary>
    /// Longer than this, a question made only of follow-up words is still taken to stand on its own. Longer than
    /// <see cref="MaximumPronounWords"/>, since every word must point back or name a framework or reference ("which annex a
    /// control is that on the iso side" is ten).
    /// </summary>
    private const int MaximumLooseWords = 12;

    /// <summary>Longer than this, a question is never a follow-up (and is not worth matching patterns against).</summary>
    private const int MaximumFollowUpLength = 200;

    public static FollowUp Classify(string question)
    {
        if (question.Length > MaximumFollowUpLength)
        {
            return new(FollowUpKind.None);
        }

        var text = Normalise(question);
        if (text.Length == 0)
        {
            return new(FollowUpKind.None);
        }

        if (OtherFrameworkPhrase().Match(text) is { Success: true } other)
        {
            return new(FollowUpKind.OtherFramework, FrameworkOf(other.Groups["fw"].Value));
        }

        if (VariantPhrase().Match(text) is { Success: true } variant)
        {
            return new(FollowUpKind.Variant, Variant: CanonicalVariant(variant.Groups["v"].Value));
        }

        if (OrdinalPhrase().Match(text) is { Success: true } ordinal)
        {
            return new(FollowUpKind.Variant, Variant: ordinal.Groups["n"].Value);
        }

        if (ElaboratePhrase().IsMatch(text))
        {
            return new(FollowUpKind.Elaborate);
        }

        if (ReferencesPhrase().IsMatch(text))
        {
            return new(FollowUpKind.References, ReferenceWord().Match(text) is { Success: true } word ? KindOfReference(word.Value) : null);
        }

        if (NamedMappingPhrase().Match(text) is { Success: true } named)
        {
            return new(FollowUpKind.Mapping, FrameworkOf(named.Groups["fw"].Value));
        }

        if (MappingPhrase().IsMatch(text))
        {
            var to = MappingTarget().Match(text);
            return new(FollowUpKind.Mapping, to.Success ? FrameworkOf(to.Groups["fw"].Value) : null);
        }

        if (OnlyFollowUpWords(text) is { } loose)
        {
            return loose;
        }

        if (Pronoun().IsMatch(text) && !AnyFramework().IsMatch(text) && !CatalogId().IsMatch(text)
            && text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= MaximumPronounWords)
        {
            return new(FollowUpKind.SameFramework);
        }

        if (OtherSideOf(text) is not null)
        {
            return new(FollowUpKind.OtherSide);
        }

        return new(FollowUpKind.None);
    }

    /// <summary>
    /// The looser forms of the follow-ups above ("does iso have that too?", "is that different for soc 2?", "what about
    /// for a type 1 report instead?", "what clause number is that?", "what does that map to in iso?"): a short question made
    /// only of one framework, variant, reference or mapping word and words that point back ("that", "same", "too",
    /// "instead", "equivalent"…). Any other word ("is iso the same as soc 2?", "what is iso?") makes it a question of its own.
    /// </summary>
    private static FollowUp? OnlyFollowUpWords(string text)
    {
        if (CatalogId().IsMatch(text) || !PointsBack().IsMatch(text) || text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > MaximumLooseWords)
        {
            return null;
        }

        var frameworks = LooseFramework().Matches(text);
        var variant = VariantWords().Match(text);
        var reference = LooseReference().Match(text);
        var mapping = LooseMapping().IsMatch(text);
        var rest = LooseMapping().Replace(LooseReference().Replace(VariantWords().Replace(LooseFramework().Replace(text, " "), " "), " "), " ");
        if (frameworks.Count > 1 || FollowUpFiller().Replace(rest.Replace("'", "", StringComparison.Ordinal), " ").Trim().Length > 0)
        {
            return null;
        }

        TopicFramework? framework = frameworks.Count == 1 ? FrameworkOf(frameworks[0].Value) : null;
        return (mapping, variant.Success, reference.Success, framework) switch
        {
            (true, _, _, _) => new(FollowUpKind.Mapping, framework),
            (_, true, _, _) => new(FollowUpKind.Variant, Variant: CanonicalVariant(variant.Value)),
            (_, _, true, _) => new(FollowUpKind.References, framework ?? KindOfReference(reference.Value)),
            (_, _, _, { } target) => new(FollowUpKind.OtherFramework, target),
            _ => null,
        };
    }

    /// <summary>Longer than this (in words), what follows "and" or "what about" is a question of its own.</summary>
    private const int MaximumOtherSideWords = 4;

    /// <summary>Openings of a short follow-up that names the other side of the topic: "what about inclusive?", "and a minor one?".</summary>
    private static readonly string[] OtherSideOpenings = ["what about ", "how about ", "and what about ", "and how about ", "and ", "but what about "];

    /// <summary>
    /// What a short "what about X?" / "and X?" names (X), read without a regex: null when the question is not one, or X is
    /// long enough to be a question of its own.
    /// </summary>
    public static string? OtherSideOf(string question)
    {
        var text = Normalise(question);
        foreach (var opening in OtherSideOpenings)
        {
            if (text.StartsWith(opening, StringComparison.Ordinal))
            {
                var rest = text[opening.Length..].Trim();
                var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                return words is > 0 and <= MaximumOtherSideWords && !CatalogId().IsMatch(rest) ? rest : null;
            }
        }

        return null;
    }

    /// <summary>The question with its framework words swapped for <paramref name="target"/>'s, or the target named when it names none.</summary>
    public static string Swap(string subject, TopicFramework target)
    {
        var swapped = target == TopicFramework.Iso
            ? SwapTerms(subject, SocToIso)
            : SwapTerms(subject, IsoToSoc);
        return swapped == subject && !AnyFramework().IsMatch(subject.ToLowerInvariant())
            ? $"{subject.TrimEnd('?', ' ', '.', '!')} for {NameOf(target)}"
            : swapped;
    }

    /// <summary>
    /// The variant a follow-up asks for: "type 1" as said, or for "the second one" / "the other one" the topic's own variant
    /// ("stage 1" in "what happens in the stage 1 audit") with its number changed. Null when the topic names none.
    /// </summary>
    public static string? VariantFor(string asked, string subject)
    {
        if (asked.StartsWith("type ", StringComparison.Ordinal) || asked.StartsWith("stage ", StringComparison.Ordinal))
        {
            return asked;
        }

        if (VariantWords().Match(subject) is not { Success: true } said)
        {
            return null;
        }

        var current = CanonicalVariant(said.Value.ToLowerInvariant());
        var kind = current[..current.IndexOf(' ', StringComparison.Ordinal)];
        var number = asked switch
        {
            "first" or "1st" => "1",
            "second" or "2nd" => "2",
            _ => current.EndsWith('1') ? "2" : "1", // the other one, the next one
        };
        return $"{kind} {number}";
    }

    /// <summary>The question with its variant (Type 1/2, Stage 1/2) replaced by <paramref name="variant"/>, or with it added.</summary>
    public static string WithVariant(string subject, string variant)
    {
        var replaced = VariantWords().Replace(subject, variant, 1);
        return replaced != subject ? replaced : $"{subject.TrimEnd('?', ' ', '.', '!')} {variant}";
    }

    /// <summary>"how long does that take?" about SOC 2: "how long does SOC 2 take?".</summary>
    public static string Resolve(string question, string framework) => Pronoun().Replace(question, framework, 1);

    /// <summary>What a question is about, its asking words taken off: "what's a soc2 bridge letter?" is about "soc2 bridge letter".</summary>
    public static string SubjectOf(string question) => Asking().Replace(question.Trim().TrimEnd('?', '.', '!', ' '), "").Trim();

    public static string NameOf(TopicFramework framework) => framework == TopicFramework.Iso ? "ISO 27001" : "SOC 2";

    /// <summary>Framework words and their counterpart, longest first: a vocabulary of the two frameworks, not of our entries.</summary>
    private static readonly (Regex From, string To)[] SocToIso =
    [
        (new(@"\btrust services? criteria\b|\btsc\b", RegexOptions.IgnoreCase), "Annex A controls"),
        (new(@"\bsoc\s*-?\s*(?:2|ii|two)\b|\bsoc2\b", RegexOptions.IgnoreCase), "ISO 27001"),
        (new(@"\b(?:cpa|audit) firms?\b", RegexOptions.IgnoreCase), "certification body"),
        (new(@"\battestation\b", RegexOptions.IgnoreCase), "certification"),
        (new(@"\breport\b", RegexOptions.IgnoreCase), "certificate"),
        (new(@"\btype\s*(?:1|i|one)\b", RegexOptions.IgnoreCase), "stage 1"),
        (new(@"\btype\s*(?:2|ii|two)\b", RegexOptions.IgnoreCase), "stage 2"),
        (new(@"\bcriteri(?:on|a)\b", RegexOptions.IgnoreCase), "control"),
    ];

    private static readonly (Regex From, string To)[] IsoToSoc =
    [
        (new(@"\bannex\s*a\s*controls?\b|\bannex\s*a\b", RegexOptions.IgnoreCase), "trust services criteria"),
        (new(@"\biso(?:/iec)?\s*(?:27001|27k)(?::?\s*2022)?\b|\biso27001\b|\b27001\b|\biso\b", RegexOptions.IgnoreCase), "SOC 2"),
        (new(@"\b(?:accredited\s+)?certification bod(?:y|ies)\b|\bregistrars?\b", RegexOptions.IgnoreCase), "CPA firm"),
        (new(@"\bcertificates?\b", RegexOptions.IgnoreCase), "report"),
        (new(@"\bcertification\b|\bcertified\b", RegexOptions.IgnoreCase), "audit"),
        (new(@"\bstage\s*(?:1|i|one)\b", RegexOptions.IgnoreCase), "type 1"),
        (new(@"\bstage\s*(?:2|ii|two)\b", RegexOptions.IgnoreCase), "type 2"),
        (new(@"\bclauses?\b", RegexOptions.IgnoreCase), "criterion"),
    ];

    private static string SwapTerms(string text, (Regex From, string To)[] terms)
    {
        // One pass per term over the original positions only: a word swapped in is never swapped again.
        var marked = text;
        var placeholders = new List<string>();
        foreach (var (from, to) in terms)
        {
            marked = from.Replace(marked, _ =>
            {
                placeholders.Add(to);
                return $"\u0001{placeholders.Count - 1}\u0002";
            });
        }

        return Placeholder().Replace(marked, m => placeholders[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    private static string Normalise(string question) =>
        Spaces().Replace(question.ToLowerInvariant().Replace('’', '\'').Trim().TrimEnd('?', '!', '.', ' '), " ").TrimStart(',', ' ');

    private static TopicFramework FrameworkOf(string word) => word.Contains("soc", StringComparison.OrdinalIgnoreCase) || word.Contains("tsc", StringComparison.Ordinal) || word.Contains("trust", StringComparison.Ordinal)
        ? TopicFramework.Soc2
        : TopicFramework.Iso;

    private static TopicFramework? KindOfReference(string word) => word switch
    {
        _ when word.StartsWith("criteri", StringComparison.Ordinal) => TopicFramework.Soc2,
        _ when word.StartsWith("clause", StringComparison.Ordinal) || word.StartsWith("control", StringComparison.Ordinal) || word.StartsWith("annex", StringComparison.Ordinal) => TopicFramework.Iso,
        _ => null,
    };

    private static string CanonicalVariant(string variant)
    {
        var number = variant.EndsWith("ii", StringComparison.Ordinal) || variant.EndsWith('2') || variant.EndsWith("two", StringComparison.Ordinal) ? "2" : "1";
        return variant.StartsWith("stage", StringComparison.Ordinal) ? $"stage {number}" : $"type {number}";
    }

    private const string FrameworkWord = @"iso(?:/iec)?(?:\s*-?\s*(?:27001|27k))?(?::?\s*2022)?|27001|27k|iso27001|soc\s*-?\s*(?:2|ii|two)|soc2|tsc|trust services(?: criteria)?";

    [GeneratedRegex(@"^(?:(?:and|but|so|ok|okay|now)[, ]+)?(?:(?:what|how)\s+about\s+|what\s+if\s+it'?s\s+|same\s+(?:for|with)\s+|(?:and\s+)?(?:for|in|with|on|under)\s+)?(?:the\s+|an?\s+)?(?<fw>" + FrameworkWord + @")(?:\s+(?:then|too|instead|side|one|version|equivalent|counterpart|case|please))?$")]
    private static partial Regex OtherFrameworkPhrase();

    [GeneratedRegex(@"^(?:(?:and|but|so|ok|okay|now)[, ]+)?(?:(?:what|how)\s+about\s+|(?:and\s+)?(?:for|with|in)\s+)?(?:(?:a|an|the)\s+)?(?:soc\s*-?\s*2\s+|iso\s*(?:27001)?\s+)?(?<v>type\s*-?\s*(?:1|2|i|ii|one|two)|stage\s*-?\s*(?:1|2|one|two))(?:\s+(?:report|audit|then|too|instead|one|please))?$")]
    private static partial Regex VariantPhrase();

    [GeneratedRegex(@"^(?:(?:and|so|ok)[, ]+)?(?:(?:which|what)\s+(?:clauses?|criteri(?:on|a)|controls?|annex\s*a\s*controls?|requirements?|references?|refs?|ids?)\s+(?:is|are|was|were|does|do|covers?|says?)\s+(?:that|this|it|those|these|they)(?:\s+(?:from|in|under|about))?|(?:what'?s|what\s+is|what\s+are|show(?:\s+me)?|give\s+me)\s+the\s+(?:references?|refs?|clauses?|criteri(?:on|a)|controls?|citations?)(?:\s+(?:numbers?|ids?))?(?:\s+for\s+(?:that|this|it))?|(?:which|what)\s+(?:clauses?|criteri(?:on|a)|controls?)\s+(?:covers?|says?|requires?)\s+(?:that|this|it)|references?|refs?|citations?|(?:which|what)\s+(?:clauses?|criteri(?:on|a)|controls?|annex\s*a\s*controls?|requirements?))$")]
    private static partial Regex ReferencesPhrase();

    /// <summary>"and the second one?", "what about the other one?": the topic's variant (Type, Stage) by its place.</summary>
    [GeneratedRegex(@"^(?:(?:and|but|so|ok|okay|now)[, ]+)?(?:(?:what|how)\s+about\s+)?the\s+(?<n>first|second|1st|2nd|other|next)(?:\s+(?:one|stage|type|audit|report))?(?:\s+(?:then|too|please))?$")]
    private static partial Regex OrdinalPhrase();

    /// <summary>"which ones?", "like what?", "why?", "tell me more": nothing but a wish for more of the last answer.</summary>
    [GeneratedRegex(@"^(?:(?:and|but|so|ok|okay|hmm|sorry)[, ]+)?(?:which\s+ones?|which\s+are\s+they|what\s+are\s+(?:they|those)|like\s+what|such\s+as|for\s+(?:example|instance)|examples?|e\.?g|why|why\s+(?:is\s+that|so)|how\s+(?:so|come)|tell\s+me\s+more|more\s+(?:details?|info)|go\s+on|details|list\s+them|name\s+them)(?:\s+(?:exactly|then|please|pls))?$")]
    private static partial Regex ElaboratePhrase();

    [GeneratedRegex(@"criteri(?:on|a)|clauses?|controls?|annex")]
    private static partial Regex ReferenceWord();

    [GeneratedRegex(@"^(?:(?:and|so|ok|okay|now|can you)[, ]+)?(?:show(?:\s+me)?\s+|give\s+me\s+|what'?s\s+|what\s+is\s+)?(?:the\s+)?(?:mappings?|crosswalk)(?:\s+(?:for|of)\s+(?:that|this|it))?(?:\s+(?:to|for|with)\s+(?:the\s+)?(?:" + FrameworkWord + @"))?(?:\s+please)?$|^(?:(?:and|so)[, ]+)?(?:how|what|where)\s+(?:does|do|would)\s+(?:that|this|it|those|these|they)\s+(?:map|maps|line\s+up|correspond|translate)(?:\s+(?:to|onto|with|in)\s+(?:the\s+)?(?:" + FrameworkWord + @"))?(?:\s+side)?$|^(?:map|crosswalk)\s+(?:that|this|it)(?:\s+to\s+(?:" + FrameworkWord + @"))?$")]
    private static partial Regex MappingPhrase();

    /// <summary>"show me the iso mapping", "the soc 2 equivalents?": the mapping onto the framework named before the word.</summary>
    [GeneratedRegex(@"^(?:(?:and|so|ok|okay|now|can you)[, ]+)?(?:show(?:\s+me)?\s+|give\s+me\s+|what'?s\s+|what\s+is\s+|what\s+are\s+)?(?:the\s+)?(?<fw>" + FrameworkWord + @")\s+(?:mappings?|crosswalk|equivalents?|counterparts?)(?:\s+please)?$")]
    private static partial Regex NamedMappingPhrase();

    [GeneratedRegex(@"\b(?:to|onto|with|in|for)\s+(?:the\s+)?(?<fw>" + FrameworkWord + @")")]
    private static partial Regex MappingTarget();

    [GeneratedRegex(@"\b(?:that|this|it|those|these|same|too|also|equivalent|counterpart|instead|different|differ|then)\b|\b(?:what|how)\s+about\b|^(?:and|but|so)\b")]
    private static partial Regex PointsBack();

    [GeneratedRegex(@"\b(?:" + FrameworkWord + @")\b")]
    private static partial Regex LooseFramework();

    [GeneratedRegex(@"\b(?:clauses?|criteri(?:on|a)|controls?|annex\s*a|references?|refs?|citations?|sections?|requirements?|standard)\b")]
    private static partial Regex LooseReference();

    [GeneratedRegex(@"\b(?:map|maps|mapped|mapping|mappings|crosswalk|correspond(?:s|ing)?|line\s+up|lines\s+up)\b")]
    private static partial Regex LooseMapping();

    /// <summary>Words that only point back or glue a follow-up together.</summary>
    [GeneratedRegex(@"\b(?:and|but|so|ok|okay|now|what|what's|whats|how|about|for|in|under|with|on|to|onto|of|by|the|a|an|is|are|it|its|it's|that|that's|this|those|these|same|question|q|qn|too|also|equivalent|counterpart|instead|different|differ|then|version|side|case|please|pls|does|do|did|have|has|there|one|if|we|our|us|would|will|be|which|where|number|numbers|any|terms|world|land|apply|applies|work|works|look|looks|like|change|changes|require|requires|required|need|needs|cover|covers|covered|say|says|show|me|give|can|you|report|audit|iso's|side|thing)\b|[^a-z0-9' ]")]
    private static partial Regex FollowUpFiller();

    [GeneratedRegex(@"\b(?:that|this|it|those|these|they|them)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Pronoun();

    [GeneratedRegex(@"\biso\b|27001|27k|\bsoc\s*-?\s*(?:1|2|3|i|ii|two)\b|\bsoc[123]\b|\btsc\b|trust services|\bannex\b|\baicpa\b|\bisms\b")]
    private static partial Regex AnyFramework();

    [GeneratedRegex(@"\b(?:cc|a|c|pi|p)\s*\d+\.\d+|\ba\.\d+\.\d+|\bclause\s+\d+")]
    private static partial Regex CatalogId();

    [GeneratedRegex(@"\b(?:type|stage)\s*-?\s*(?:1|2|i|ii|one|two)\b", RegexOptions.IgnoreCase)]
    private static partial Regex VariantWords();

    [GeneratedRegex(@"\u0001(\d+)\u0002")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^(?:(?:ok|okay|so|hi|hey|quick\s+q)[,:]?\s+)*(?:what(?:'?s|\s+is|\s+are|\s+does)|tell\s+me\s+about|explain|who\s+(?:is|are)|how\s+(?:do|does|is|are)|do|does|is|are|can|should)\s+(?:(?:a|an|the|we|you|i|it)\s+)?", RegexOptions.IgnoreCase)]
    private static partial Regex Asking();
}
