using ChatCompliance.Core.Cards;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// Answers a question from the knowledge base: ids named in it are looked up in the catalogs (or the
/// crosswalk, when the question asks for a mapping); everything else is ranked with BM25F over the
/// entries and catalog items. Below <see cref="AbstainBelow"/> it says it does not know.
/// </summary>
public sealed partial class QuestionAnswerer
{
    /// <summary>The calibrated confidence under which the engine abstains (see tests/eval and the README).</summary>
    public const double DefaultAbstainBelow = 0.6;

    private const int MaximumRelated = 3;
    private const int MaximumMappings = 8;
    private const int MaximumCatalogMappings = 5;
    private const float CatalogPrior = 0.85f;
    private const float EntryAboutCoverage = 0.5f;
    private const float SameScopeBoost = 1.25f;
    private const float OtherScopePenalty = 0.7f;
    private const float QuestionsWeight = 2f;
    private const float TitleWeight = 3f;
    private const float AnswerWeight = 1f;

    /// <summary>Added to the coverage of a question that names SOC 2 or ISO 27001 terms: it is in scope, so a partial match is still worth answering.</summary>
    private const double AnchorBonus = 0.45;

    /// <summary>Added for security-programme words (risk, audit, vendor…) that make a question likelier in scope but prove nothing alone.</summary>
    private const double DomainBonus = 0.15;

    /// <summary>The most confidence a question without any compliance term gets from a single matching word.</summary>
    private const double SingleWordCap = 0.5;

    /// <summary>Terms that only say "this is about an id" (stemmed), not what is asked about it.</summary>
    private static readonly HashSet<string> IdWords = new(StringComparer.Ordinal)
    {
        "clause", "control", "annex", "criterion", "criteria", "iso27001", "soc2", "requir", "requirement", "cover", "say", "describ",
        "descript", "summari", "summar", "defin", "definit", "detail", "overview", "purpos", "intent", "iso", "tsc", "trust", "servic",
    };

    private readonly KnowledgeBase _kb;
    private readonly SearchIndex _index;
    private readonly ReferenceDetector _detector;
    private readonly Dictionary<string, List<KnowledgeEntry>> _entriesByRef = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="kb">The knowledge base to answer from.</param>
    /// <param name="abstainBelow">The confidence under which the engine says it does not know.</param>
    /// <param name="rememberedAnswers">How many answers to remember by question text (0: none).</param>
    public QuestionAnswerer(KnowledgeBase kb, double abstainBelow = DefaultAbstainBelow, int rememberedAnswers = DefaultRememberedAnswers)
    {
        _rememberedAnswers = rememberedAnswers;
        _kb = kb;
        AbstainBelow = abstainBelow;
        _detector = new ReferenceDetector(kb.Catalog);
        var documents = new List<IndexDocument>(kb.Entries.Count + kb.Catalog.Items.Count);
        foreach (var entry in kb.Entries)
        {
            documents.Add(new IndexDocument(entry.Id,
                [new("ask", string.Join('\n', entry.Questions), QuestionsWeight), new("title", entry.Title, TitleWeight), new("answer", entry.AnswerText, AnswerWeight)]));
            foreach (var phrasing in entry.Questions.Append(entry.Title))
            {
                documents.Add(new IndexDocument(entry.Id, [new("ask", phrasing, 1f)], IsPhrasing: true));
            }
            foreach (var reference in entry.References)
            {
                if (!_entriesByRef.TryGetValue(reference, out var list))
                {
                    _entriesByRef[reference] = list = [];
                }

                list.Add(entry);
            }
        }

        foreach (var item in kb.Catalog.Items)
        {
            documents.Add(new IndexDocument(item.Ref, [new("ask", item.Title, TitleWeight), new("answer", item.Description, AnswerWeight)], CatalogPrior));
        }

        _index = new SearchIndex(documents, kb.Glossary);
        foreach (var entry in kb.Entries)
        {
            _scopes[entry.Id] = ScopeOf(entry.Title + "\n" + string.Join('\n', entry.Questions));
            if (DefinitionTitle().Match(entry.Title) is { Success: true } m)
            {
                _definitions[entry.Id] = [.. TextAnalyzer.Terms(m.Groups["subject"].Value).Distinct()];
            }
        }
    }

    /// <summary>Entries titled "What is X?", with the terms of X: a plain "what is X" question belongs to them.</summary>
    private readonly Dictionary<string, string[]> _definitions = new(StringComparer.Ordinal);

    private const float DefinitionBoost = 1.5f;

    private Func<string, float>? BoostFor(string question)
    {
        var affinity = AffinityTo(ScopeOf(question));
        if (DefinitionCue().Match(question) is not { Success: true } cue)
        {
            return affinity;
        }

        // "what's X?" asks for X's definition only when X comes straight after it: "what's the minimum ISMS for 20 people"
        // is about the minimum, not about what an ISMS is. "in a nutshell", "explain" and "define" may stand anywhere.
        var asked = TextAnalyzer.Terms(cue.Value.StartsWith("what", StringComparison.OrdinalIgnoreCase) ? question[(cue.Index + cue.Length)..] : question);
        return key => (affinity?.Invoke(key) ?? 1f)
            * (_definitions.TryGetValue(key, out var subject) && subject.Length > 0 && subject.All(asked.Take(subject.Length + 1).Contains) ? DefinitionBoost : 1f);
    }

    /// <summary>Which framework a text is about, from the framework words in it.</summary>
    [Flags]
    private enum Scope
    {
        None = 0,
        Soc2 = 1,
        Iso = 2,
        Both = Soc2 | Iso,
    }

    private readonly Dictionary<string, Scope> _scopes = new(StringComparer.Ordinal);

    private static readonly HashSet<string> Soc2Terms = new(StringComparer.Ordinal) { "cc", "soc2", "soc1", "soc3", "type1", "type2", "cuec", "csoc", "tsc", "aicpa", "ssae", "cpa" };
    private static readonly HashSet<string> IsoTerms = new(StringComparer.Ordinal) { "iso27001", "ism", "annex", "soa", "iso27002", "iso27701", "iso27017", "iso27018", "surveil", "recertif", "nonconform", "stage1", "stage2" };

    private static Scope ScopeOf(string text)
    {
        int soc2 = 0, iso = 0;
        foreach (var term in TextAnalyzer.Terms(text))
        {
            soc2 += Soc2Terms.Contains(term) || IsCriteriaFamily(term) ? 1 : 0;
            iso += IsoTerms.Contains(term) ? 1 : 0;
        }

        if (soc2 + iso == 0)
        {
            return Scope.None;
        }

        var share = (double)soc2 / (soc2 + iso);
        return share >= 0.75 ? Scope.Soc2 : share <= 0.25 ? Scope.Iso : Scope.Both;
    }

    /// <summary>Entries about the framework the question names rank higher than those about the other one.</summary>
    private Func<string, float>? AffinityTo(Scope asked)
    {
        if (asked == Scope.None)
        {
            return null;
        }

        return key => (asked, _scopes.GetValueOrDefault(key)) switch
        {
            (_, Scope.None) => 1f,
            var (a, e) when a == e => SameScopeBoost,
            (Scope.Both, _) => 1f,
            (_, Scope.Both) => 1f,
            _ => OtherScopePenalty,
        };
    }

    public double AbstainBelow { get; }

    public KnowledgeBase KnowledgeBase => _kb;

    /// <summary>How many answers are remembered by question text before the memory starts again.</summary>
    public const int DefaultRememberedAnswers = 10_000;

    private readonly int _rememberedAnswers;

    /// <summary>
    /// Answers already given, by the exact question text. People ask the same few hundred questions all day, and an answer
    /// depends only on the question and this (immutable) knowledge base, so asking again costs a lookup, not an analysis.
    /// Bounded: when full it is emptied and fills again with what is asked now.
    /// </summary>
    private readonly ConcurrentDictionary<string, KnowledgeAnswer> _answered = new(StringComparer.Ordinal);

    private int _answeredCount;

    /// <summary>Answers any text, however odd; never throws on input.</summary>
    public KnowledgeAnswer Answer(string? question)
    {
        question ??= "";
        if (question.Length > TextAnalyzer.MaximumQuestionLength)
        {
            question = question[..TextAnalyzer.MaximumQuestionLength];
        }

        if (_answered.TryGetValue(question, out var remembered))
        {
            return remembered;
        }

        var answer = Analyse(question);
        if (_rememberedAnswers == 0)
        {
            return answer;
        }

        if (Interlocked.Increment(ref _answeredCount) > _rememberedAnswers)
        {
            _answered.Clear();
            Interlocked.Exchange(ref _answeredCount, 1);
        }

        _answered.TryAdd(question, answer);
        return answer;
    }

    /// <summary>How much a remembered topic's words weigh beside the follow-up's own: they only tell apart what its words alone would find.</summary>
    private const float ContextWeight = 0.8f;

    /// <summary>
    /// Answers a question that points back ("who signs it?") with the words of what it points at (<paramref name="context"/>)
    /// added at a lower weight: the question's own words decide what is asked, the context which thing it is asked about.
    /// Never remembered by text: the same words mean something else after another topic.
    /// </summary>
    private KnowledgeAnswer AnswerInContext(string question, string context)
    {
        var own = _index.Analyse(question).Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        var added = _index.Analyse(WithCapitalAcronyms(context)).Where(t => !own.Contains(t.Term)).Select(t => t with { Weight = t.Weight * ContextWeight }).ToList();
        return Analyse(question, added, context);
    }

    private KnowledgeAnswer Analyse(string question, IReadOnlyList<QueryTerm>? context = null, string? contextText = null)
    {
        if (!question.Any(char.IsLetterOrDigit))
        {
            return Abstain("Ask me anything about SOC 2 or ISO 27001, for example \"what is the difference between SOC 2 and ISO 27001?\" or \"what is CC6.1?\".", []);
        }

        var detected = _detector.Detect(question);
        if (detected.References.Count > 0)
        {
            if (MappingIntent().IsMatch(question) || AsksOtherFramework(question, detected.References[0]))
            {
                return AnswerCrosswalk(detected.References[0]);
            }

            // "a 8.28 what do devs need to do": an entry about that id answers better than its one-line description.
            return EntryAbout(detected) ?? AnswerCatalog(detected.References, 0.95);
        }

        var query = WithoutSlips(_index.Analyse(WithCapitalAcronyms(question)));
        if (context is null && ItemAbout(question, query) is { } item)
        {
            return item;
        }

        if (context is not null)
        {
            query = [.. query, .. context];
        }

        var hits = _index.Search(query, 8, boost: BoostFor(contextText is null ? question : question + "\n" + contextText));
        var suggestions = RelatedFrom(hits, exclude: null);
        if (detected.Unresolved.Count > 0)
        {
            // A numbered requirement from another rule book: we cover what those laws are, not their clauses.
            return Abstain("I can't answer that one reliably: it names a specific requirement that our knowledge base does not cover.", suggestions);
        }

        if (InternalFact().IsMatch(question))
        {
            return Abstain("That's about how our own company does things, which I don't have on record.", suggestions);
        }

        if (hits.Count == 0)
        {
            return Distinctive(query) is [_, ..] names ? Abstain($"I don't have an entry on {Naming(names)}.", []) : Abstain(null, []);
        }

        var best = hits[0];
        var confidence = Confidence(best, query);
        if (confidence >= AbstainBelow && SomeoneElses(question, query, best))
        {
            return Abstain(null, []) with { Confidence = Math.Round(Math.Min(confidence, best.Coverage), 3) };
        }

        if (Comparison(question, best, confidence) is { } compared)
        {
            return compared;
        }

        if (confidence < AbstainBelow)
        {
            var unknown = Distinctive(query).Where(t => !t.Known).ToList();
            return (unknown.Count > 0 && _kb.ById.TryGetValue(best.Key, out var closest)
                ? NotAnswered(closest, unknown, hits, confidence)
                : Abstain(null, suggestions)) with { Confidence = confidence };
        }

        var key = best.Key;
        if (_kb.ById.TryGetValue(key, out var entry))
        {
            var distinctive = Distinctive(query);
            var missing = distinctive.Where(t => !_kb.Topics.Mentions(entry.Id, t.Term)).ToList();
            if (missing.Count == 0)
            {
                return AnswerEntry(entry, hits, confidence, question);
            }

            // "is a soc3 enough for a questionnaire?": the best entry never names SOC 3, a lower one that does answers it.
            foreach (var hit in hits.Skip(1))
            {
                if (_kb.ById.TryGetValue(hit.Key, out var naming) && distinctive.All(t => _kb.Topics.Mentions(naming.Id, t.Term))
                    && Confidence(hit, query) is var sure && sure >= AbstainBelow)
                {
                    return AnswerEntry(naming, hits, sure, question);
                }
            }

            return NotAnswered(entry, missing, hits, confidence);
        }

        return AnswerCatalog([key], confidence);
    }

    /// <summary>
    /// "which annex a control is about clock sync?", "tsc criterion for malware?": a question asking for one item's number
    /// by what it is about is answered with the catalog item whose title and description match best (of the kind asked
    /// for), when one explains most of the rest of the question; null otherwise (the question goes on as any other).
    /// </summary>
    private KnowledgeAnswer? ItemAbout(string question, IReadOnlyList<QueryTerm> query)
    {
        if (ItemNumberAsked().Match(question) is not { Success: true } asked)
        {
            return null;
        }

        var word = asked.Groups["kind"].Value.ToLowerInvariant();
        Func<CatalogItem, bool> ofKind = word switch
        {
            _ when word.StartsWith("criteri", StringComparison.Ordinal) || word.StartsWith("tsc", StringComparison.Ordinal) || word.StartsWith("soc", StringComparison.Ordinal)
                => i => i.Kind == CatalogKind.Soc2Criterion,
            _ when word.StartsWith("clause", StringComparison.Ordinal) => i => i.Kind == CatalogKind.IsoClause,
            _ when word.StartsWith("annex", StringComparison.Ordinal) || word.StartsWith("iso", StringComparison.Ordinal) => i => i.Kind == CatalogKind.AnnexAControl,
            _ => i => i.Kind != CatalogKind.IsoClause,
        };
        var rest = query.Where(t => !IdWords.Contains(t.Term) && !(t.IsPair && t.Term.Split(' ').Any(IdWords.Contains))).ToList();
        if (!rest.Any(t => !t.IsPair && t.Known))
        {
            return null;
        }

        var hits = _index.Search(rest, 2, key => _kb.Catalog.Find(key) is { } item && ofKind(item));
        return hits.Count > 0 && hits[0].Coverage >= ItemAboutCoverage ? AnswerCatalog([hits[0].Key], Math.Round(Math.Min(1, hits[0].Coverage + AnchorBonus), 3)) : null;
    }

    /// <summary>How much of the rest of a "which control is about X" question the catalog item must explain.</summary>
    private const float ItemAboutCoverage = 0.5f;

    /// <summary>
    /// The question without short words the index does not know that are a slip of a word that means nothing ("wat",
    /// "teh", "hwo"): unknown words weigh the most, so one such slip would otherwise decline an in-scope question.
    /// </summary>
    private static List<QueryTerm> WithoutSlips(IReadOnlyList<QueryTerm> query) =>
        [.. query.Where(t => t.Known || t.Word is not { Length: >= 2 and <= MaximumSlipLength } word || !IsSlip(word))];

    private const int MaximumSlipLength = 4;

    /// <summary>Whether a word is a stop word with a letter left out or two letters swapped.</summary>
    private static bool IsSlip(string word) => Slips.GetOrAdd(word, static w =>
        !w.Any(char.IsDigit) && Edits(w).Any(e => e.Length > 0 && TextAnalyzer.Words(e).Count == 0));

    private static readonly ConcurrentDictionary<string, bool> Slips = new(StringComparer.Ordinal);

    /// <summary>The words a slip could stand for: one letter added ("wat": what) or two swapped ("teh": the), the usual slips when typing fast.</summary>
    private static IEnumerable<string> Edits(string word)
    {
        for (var i = 0; i <= word.Length; i++)
        {
            if (i + 1 < word.Length)
            {
                yield return string.Concat(word.AsSpan(0, i), word[i + 1].ToString(), word[i].ToString(), word.AsSpan(i + 2));
            }

            for (var c = 'a'; c <= 'z'; c++)
            {
                yield return string.Concat(word.AsSpan(0, i), c.ToString(), word.AsSpan(i));
            }
        }
    }

    /// <summary>
    /// Acronyms that are everyday words too (CAR) name the acronym only in capitals: written so, their expansion joins the
    /// question (the index never expands them, so "car" stays a car).
    /// </summary>
    private string WithCapitalAcronyms(string question)
    {
        question = ShortPeriod().Replace(question, m => $"{m.Groups["n"].Value} {PeriodWord(m.Groups["unit"].Value)} ");
        var spelled = _kb.Glossary.AcronymsIn(question).Where(i => i.AlsoAWord).Select(i => i.Expansion).ToList();
        return spelled.Count == 0 ? question : question + "\n" + string.Join('\n', spelled);
    }

    /// <summary>
    /// The words that alone decide what a question is about: standards named by number that few entries mention (see
    /// <see cref="TopicTerms.IsName"/>), as the analysed question has them. Chat words are no such proof: a paraphrase
    /// ("badge", "stale") is rarely in the entry that answers it.
    /// </summary>
    private List<QueryTerm> Distinctive(IReadOnlyList<QueryTerm> query) =>
        [.. query.Where(t => !t.IsPair && !t.Expanded && _kb.Topics.IsName(t.Term))];

    /// <summary>
    /// The best entry does not answer the question when it never mentions one of the question's distinctive words (asked
    /// about ISO 42001, the best entry is about ISO 27701): say what we lack, name the closest entry and offer the hand-off.
    /// </summary>
    private KnowledgeAnswer NotAnswered(KnowledgeEntry entry, IReadOnlyList<QueryTerm> missing, IReadOnlyList<SearchHit> hits, double confidence)
    {
        var closest = new RelatedEntry(entry.Id, entry.Title);
        var related = new[] { closest }.Concat(RelatedFrom(hits, entry.Id)).Take(MaximumRelated).ToList();
        return Abstain($"I don't have an entry on {Naming(missing)}. Closest: {AnswerMarkdown.Strong(entry.Title)}.", related) with { Confidence = Math.Round(confidence, 3) };
    }

    private string Naming(IEnumerable<QueryTerm> names) => string.Join(" and ", names.Select(t => Display(t.Word ?? t.Term)).Distinct(StringComparer.Ordinal));

    /// <summary>A word as the person would write it: "iso42001" is ISO 42001, an acronym in capitals.</summary>
    private string Display(string word)
    {
        if (StandardNumber().Match(word) is { Success: true } m)
        {
            return $"{m.Groups["body"].Value.ToUpperInvariant()} {m.Groups["number"].Value}";
        }

        return _kb.Glossary.Items.FirstOrDefault(i => i.AcronymTerms.Count == 1 && i.AcronymTerms[0] == TextAnalyzer.Stem(word))?.Acronym ?? $"\"{word}\"";
    }

    /// <summary>
    /// "X vs Y", "difference between X and Y", "X or Y": when the best entry for the whole question mentions the head word
    /// of both sides (a written comparison), it is the answer (null: go on as usual); otherwise, when each side on its own
    /// finds a different entry with confidence, the answer is composed from both.
    /// </summary>
    private KnowledgeAnswer? Comparison(string question, SearchHit best, double confidence)
    {
        if (!MayCompare(question) || ComparisonPattern().Match(question) is not { Success: true } match)
        {
            return null;
        }

        var sides = new[] { Side(match.Groups["a"].Value, nearEnd: true), Side(match.Groups["b"].Value, nearEnd: false) };
        if (sides.Any(s => s is null))
        {
            return null;
        }

        var (first, second) = (sides[0]!.Value, sides[1]!.Value);
        if (_kb.ById.ContainsKey(best.Key) && confidence >= AbstainBelow
            && _kb.Topics.Mentions(best.Key, first.Head) && _kb.Topics.Mentions(best.Key, second.Head))
        {
            return null;
        }

        if (first.Entry.Id == second.Entry.Id || first.Confidence < AbstainBelow || second.Confidence < AbstainBelow)
        {
            return null;
        }

        return Compose(first.Entry, second.Entry, Math.Min(first.Confidence, second.Confidence), question);
    }

    /// <summary>
    /// One side of a comparison: its best entry, how sure that is, and its head: the word nearest the "vs" (the last of the
    /// first side, the first of the second), the thing compared; "type ii in plain english" compares Type 2, not English.
    /// </summary>
    private (KnowledgeEntry Entry, double Confidence, string Head)? Side(string text, bool nearEnd)
    {
        var query = _index.Analyse(WithCapitalAcronyms(text));
        var words = query.Where(t => !t.IsPair && !t.Expanded && t.Known && !IdWords.Contains(t.Term));
        var head = nearEnd ? words.LastOrDefault() : words.FirstOrDefault();
        if (head is null)
        {
            return null;
        }

        var hits = _index.Search(query, 4, _kb.ById.ContainsKey, BoostFor(text));
        return hits.Count == 0 ? null : (_kb.ById[hits[0].Key], Confidence(hits[0], query), head.Term);
    }

    private const int KeyFactWords = 45;

    /// <summary>Both entries' key facts, each under its title, with both entries' citations and sources.</summary>
    private KnowledgeAnswer Compose(KnowledgeEntry first, KnowledgeEntry second, double confidence, string question)
    {
        var text = $"{AnswerMarkdown.Strong(first.Title)}\n{KeyFact(first)}{AnswerMarkdown.Paragraph}{AnswerMarkdown.Strong(second.Title)}\n{KeyFact(second)}";
        var references = first.References.Concat(second.References).Distinct(StringComparer.OrdinalIgnoreCase).Select(Cite).OfType<CitedReference>().ToList();
        var sources = first.Sources.Concat(second.Sources).DistinctBy(s => s.Url).ToList();
        // The whole entries are a button away: the composed answer only has their first facts.
        var related = new[] { new RelatedEntry(first.Id, first.Title), new RelatedEntry(second.Id, second.Title) };
        return new KnowledgeAnswer(AnswerKind.Composed, SpellOut(text, question, ""), first.Id, $"{first.Title} · {second.Title}", references, sources, related, Math.Round(confidence, 3))
        {
            AlsoEntryIds = [second.Id],
        };
    }

    /// <summary>An entry's key fact: its first paragraph, cut after the sentence that passes <see cref="KeyFactWords"/> words.</summary>
    private static string KeyFact(KnowledgeEntry entry)
    {
        var paragraph = entry.Answer.Split("\n\n", 2)[0].Trim();
        var words = 0;
        foreach (Match sentence in Sentence().Matches(paragraph))
        {
            words += sentence.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (words >= KeyFactWords && sentence.Index + sentence.Length < paragraph.Length)
            {
                return paragraph[..(sentence.Index + sentence.Length)].Trim();
            }
        }

        return paragraph;
    }

    /// <summary>
    /// The acronyms the person wrote, spelled out once before the answer, unless the answer (or its title) already
    /// writes out what they stand for.
    /// </summary>
    private string SpellOut(string text, string question, string title)
    {
        var missing = _kb.Glossary.AcronymsIn(question).Where(i => !Glossary.SpellsOut(title + "\n" + text, i)).Take(MaximumSpelledOut).ToList();
        if (missing.Count == 0)
        {
            return text;
        }

        var spelled = string.Join("; ", missing.Select(i => $"{AnswerMarkdown.Strong(i.Acronym)} is {i.Expansion}"));
        return $"{spelled}.{AnswerMarkdown.Paragraph}{text}";
    }

    private const int MaximumSpelledOut = 3;

    /// <summary>The entry that best answers the rest of a question naming an id, among the entries citing that id.</summary>
    private KnowledgeAnswer? EntryAbout(DetectedReferences detected)
    {
        var citing = detected.References.SelectMany(r => _entriesByRef.GetValueOrDefault(r) ?? []).Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var query = _index.Analyse(detected.Remainder).Where(t => t.Known && !IdWords.Contains(t.Term)).ToList();
        if (citing.Count == 0 || query.Count == 0)
        {
            return null;
        }

        var framework = detected.References.Any(r => r.StartsWith(Catalog.Soc2Prefix, StringComparison.Ordinal)) ? Scope.Soc2 : Scope.None;
        framework |= detected.References.Any(r => r.StartsWith(Catalog.IsoPrefix, StringComparison.Ordinal)) ? Scope.Iso : Scope.None;
        var hits = _index.Search(query, 4, citing.Contains, AffinityTo(framework));
        if (hits.Count == 0 || hits[0].Coverage < EntryAboutCoverage)
        {
            return null;
        }

        var answer = AnswerEntry(_kb.ById[hits[0].Key], hits, 0.9, detected.Remainder);
        var named = detected.References.Select(Cite).OfType<CitedReference>();
        return answer with { References = [.. named.Concat(answer.References).DistinctBy(r => r.Ref)] };
    }

    /// <summary>A SOC 2 common-criteria family named without a point ("cc6", "CC9"): as much a SOC 2 word as "cc6.1".</summary>
    private static bool IsCriteriaFamily(string term) => term is ['c', 'c', >= '1' and <= '9'];

    /// <summary>SOC 2 and ISO 27001 terms of two words (stemmed pairs) that no other subject uses: as telling as "soc2".</summary>
    private static readonly HashSet<string> AnchorPairs = new(StringComparer.Ordinal)
    {
        "process integr", "bridg letter", "carv out", "manag assert", "system descript", "manag review", "risk treatment",
    };

    /// <summary>Security-programme words (stemmed), common in our questions and rare in everything else people ask a bot.</summary>
    private static readonly HashSet<string> DomainTerms = new(StringComparer.Ordinal)
    {
        "risk", "infosec", "audit", "vendor", "supplier", "encrypt", "vulner", "penetr", "incid", "evid", "breach", "privaci",
        "confidenti", "segreg", "offboard", "onboard", "mfa", "phish", "tabletop", "siem", "backup", "disast", "continu", "threat",
    };

    /// <summary>Other rule books: in scope for what they are, not for their details.</summary>
    private static readonly HashSet<string> RegulationTerms = new(StringComparer.Ordinal)
    {
        "gdpr", "hipaa", "pci", "glba", "nist", "fedramp", "ccpa", "cpra", "hitrust", "dora", "nis2",

        // Schemes with their own entries since the knowledge base's second edition: like HITRUST, a bare "what is tisax"
        // is in scope, though their details are not.
        "cmmc", "irap", "ismap", "tisax",
    };

    /// <summary>Words that only appear in questions about compliance programmes (stemmed): they make a question in scope.</summary>
    private static readonly HashSet<string> AnchorTerms = new(StringComparer.Ordinal)
    {
        "soc2", "soc1", "soc3", "iso27001", "iso27002", "iso27701", "iso27017", "iso27018", "ism", "annex", "type1", "type2", "cuec", "csoc",
        "cc", "soa", "stage1", "stage2", "auditor", "attest", "certif", "surveil", "nonconform", "gdpr", "hipaa", "pci", "glba", "nist", "fedramp", "ccpa", "cpra",
        "hitrust", "dora", "nis2", "cpa", "aicpa", "ssae", "complianc", "subservic", "recertif", "coso", "criteria", "criterion",
        "cmmc", "irap", "ismap", "tisax", "iso42001",
    };

    /// <summary>
    /// Whether a question that matched is about something else that shares our words: its only compliance words are ones
    /// everyday speech uses too (a camera's ISO, an ISO image, type 2 diabetes, stage 2 of a plan, a CPA doing taxes, a
    /// diving certificate), and the rest of it is not what the best entry is about.
    /// </summary>
    private bool SomeoneElses(string question, IReadOnlyList<QueryTerm> query, SearchHit best)
    {
        if (!AmbiguousAnchor().IsMatch(question))
        {
            return false;
        }

        // Two of them ("type 1 or type 2", "iso cert") vouch for each other: everyday speech rarely has both.
        // Unless the rest has a word nobody in the knowledge base uses: "type 1 vs type 2 diabetes".
        var ambiguous = AmbiguousAnchor().Matches(question).Select(m => Spaces().Replace(m.Value.ToLowerInvariant(), " ")).Select(w => w.StartsWith("cert", StringComparison.Ordinal) ? "cert" : w);
        var vouched = ambiguous.Distinct(StringComparer.Ordinal).Count() > 1;

        var rest = _index.Analyse(AmbiguousAnchor().Replace(question, " ")).Where(t => !t.IsPair).ToList();
        if (rest.Count == 0 || Signalled(rest))
        {
            // "what's a type 2?" asks nothing else; "stage 2 audit" says which stage 2 it means.
            return false;
        }

        // A word nobody in the knowledge base uses (diabetes, ubuntu, marathon) is the other subject speaking.
        var strangers = rest.Any(t => !t.Known && (!vouched || t.Word is { Length: >= MinimumStrangerLength }));
        if (vouched && !strangers)
        {
            return false;
        }

        var hit = _index.Search(rest, 1, key => key == best.Key);
        var covered = hit.Count == 0 ? 0 : hit[0].Coverage;
        return vouched ? covered < RestCoverageWithStrangers : covered < RestCoverage || (covered < RestCoverageWithStrangers && strangers);
    }

    /// <summary>Whether analysed terms name something of ours: a SOC 2 / ISO term, another rule book, or a security-programme word.</summary>
    private static bool Signalled(IEnumerable<QueryTerm> terms) =>
        terms.Any(t => !t.IsPair && (AnchorTerms.Contains(t.Term) || IsCriteriaFamily(t.Term) || RegulationTerms.Contains(t.Term) || DomainTerms.Contains(t.Term)));

    /// <summary>How much of the rest of a question (its everyday-word anchors taken out) the best entry must explain.</summary>
    private const float RestCoverage = 0.3f;

    /// <summary>How long a word the knowledge base never uses must be to outweigh two everyday anchors that vouch for each other (shorter ones are likelier slips).</summary>
    private const int MinimumStrangerLength = 5;

    /// <summary>As <see cref="RestCoverage"/>, when the rest has words the knowledge base never uses.</summary>
    private const float RestCoverageWithStrangers = 0.7f;

    /// <summary>
    /// How much of the question the best match explains (idf-weighted coverage), raised for questions naming
    /// SOC 2 / ISO 27001 terms and capped for one-word matches with no compliance term. Calibrated on tests/eval.
    /// </summary>
    private static double Confidence(SearchHit best, IReadOnlyList<QueryTerm> query)
    {
        // The analysed terms, typos corrected and acronyms expanded: "attestaion" is as much a compliance word as "attestation".
        var terms = query.Where(t => !t.IsPair).Select(t => t.Term).ToList();
        var programme = terms.Any(t => (AnchorTerms.Contains(t) && !RegulationTerms.Contains(t)) || IsCriteriaFamily(t))
            || query.Any(t => t.IsPair && AnchorPairs.Contains(t.Term));
        var regulation = terms.Any(RegulationTerms.Contains);
        double confidence = best.Coverage;
        if (programme)
        {
            confidence += AnchorBonus;
        }
        else if (!regulation && terms.Any(DomainTerms.Contains))
        {
            confidence += DomainBonus;
        }
        else if (!regulation && query.Count(t => t.Known && !t.IsPair) <= 1)
        {
            confidence = Math.Min(confidence, SingleWordCap);
        }

        return Math.Min(1, confidence);
    }

    private KnowledgeAnswer AnswerEntry(KnowledgeEntry entry, IReadOnlyList<SearchHit> hits, double confidence, string question = "")
    {
        var references = entry.References.Select(Cite).OfType<CitedReference>().ToList();
        var related = entry.Related.Where(_kb.ById.ContainsKey).Select(id => new RelatedEntry(id, _kb.ById[id].Title))
            .Concat(RelatedFrom(hits, entry.Id))
            .DistinctBy(r => r.EntryId)
            .Take(MaximumRelated)
            .ToList();
        return new KnowledgeAnswer(AnswerKind.Entry, SpellOut(entry.Answer, question, entry.Title), entry.Id, entry.Title, references, entry.Sources, related, Math.Round(confidence, 3));
    }

    private KnowledgeAnswer AnswerCatalog(IReadOnlyList<string> refs, double confidence)
    {
        var items = refs.Select(_kb.Catalog.Find).OfType<CatalogItem>().ToList();
        var text = new StringBuilder();
        var cited = new List<CitedReference>();
        string? shortened = null;
        foreach (var item in items)
        {
            if (text.Length > 0)
            {
                text.Append(AnswerMarkdown.Paragraph);
            }

            text.Append(CultureInfo.InvariantCulture, $"{AnswerMarkdown.Strong($"{item.DisplayId} · {item.Title}")}: {Describe(item)}{AnswerMarkdown.Paragraph}{item.Description}");
            cited.Add(new CitedReference(item.Ref, item.Code, item.Title));
            var allMapped = Mapped(item.Ref).OrderBy(m => CrosswalkStrength.Rank(m.Strength)).ToList();
            var mapped = allMapped.Take(MaximumCatalogMappings).ToList();
            if (mapped.Count > 0)
            {
                var other = item.Kind == CatalogKind.Soc2Criterion ? "ISO 27001" : "SOC 2";
                var rest = allMapped.Count - mapped.Count;
                text.Append(CultureInfo.InvariantCulture, $"{AnswerMarkdown.Paragraph}On the {other} side (our crosswalk): {string.Join(", ", mapped.Select(m => $"{m.Item.Code} {m.Item.Title} — {m.Strength}"))}{(rest > 0 ? $" and {rest} more" : "")}.");
                cited.AddRange(mapped.Select(m => new CitedReference(m.Item.Ref, m.Item.Code, m.Item.Title)));
                if (rest > 0)
                {
                    shortened ??= item.Ref;
                }
            }
        }

        var first = items[0];
        var sources = items.Select(i => _kb.Catalog.SourceOf(i.Ref)).OfType<Source>().Distinct().ToList();
        var related = items.SelectMany(i => _entriesByRef.GetValueOrDefault(i.Ref) ?? [])
            .Select(e => new RelatedEntry(e.Id, e.Title)).DistinctBy(r => r.EntryId).Take(MaximumRelated).ToList();
        return new KnowledgeAnswer(AnswerKind.Catalog, text.ToString(), null, $"{first.DisplayId} · {first.Title}",
            cited.DistinctBy(c => c.Ref).ToList(), sources, related, confidence)
        {
            Shortened = shortened,
        };
    }

    /// <summary>
    /// The whole list an answer shortened (see <see cref="KnowledgeAnswer.Shortened"/>): every crosswalk pair of
    /// <paramref name="reference"/>; null when it names no catalog item.
    /// </summary>
    public KnowledgeAnswer? AnswerInFull(string? reference) =>
        reference is not null && _kb.Catalog.Find(reference) is { } item ? AnswerCrosswalk(item.Ref, all: true) : null;

    private KnowledgeAnswer AnswerCrosswalk(string reference, bool all = false)
    {
        var item = _kb.Catalog.Find(reference)!;
        // Strongest first, so a shortened answer keeps the closest matches.
        var pairs = _kb.Catalog.PairsOf(reference).OrderBy(p => CrosswalkStrength.Rank(p.Strength)).ToList();
        var other = item.Kind == CatalogKind.Soc2Criterion ? "ISO/IEC 27001:2022" : "SOC 2";
        var text = new StringBuilder();
        var cited = new List<CitedReference> { new(item.Ref, item.Code, item.Title) };
        var shown = all ? pairs.Count : MaximumMappings;
        if (pairs.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{AnswerMarkdown.Strong($"{item.DisplayId} · {item.Title}")} has no {other} counterpart in our crosswalk: nothing on the other side addresses the same thing closely enough to map it.");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{AnswerMarkdown.Strong($"{item.DisplayId} · {item.Title}")} maps to {pairs.Count} {other} item{(pairs.Count == 1 ? "" : "s")} in our crosswalk:");
            foreach (var pair in pairs.Take(shown))
            {
                var target = _kb.Catalog.Find(pair.Soc2Ref == item.Ref ? pair.IsoRef : pair.Soc2Ref)!;
                text.Append(CultureInfo.InvariantCulture, $"{AnswerMarkdown.Bullet}{AnswerMarkdown.Strong(target.Code)} {target.Title} — {pair.Strength}: {pair.Rationale}");
                cited.Add(new CitedReference(target.Ref, target.Code, target.Title));
            }

            if (pairs.Count > shown)
            {
                text.Append(CultureInfo.InvariantCulture, $"{AnswerMarkdown.Paragraph}…and {pairs.Count - shown} more.");
            }

            text.Append(AnswerMarkdown.Paragraph + "A mapping shows where evidence can be reused; each auditor still judges against their own framework.");
        }

        var sources = new List<Source>();
        sources.AddRange(new[] { _kb.Catalog.Sources.GetValueOrDefault("SOC2"), _kb.Catalog.Sources.GetValueOrDefault("ISO27001") }.OfType<Source>());
        // The mappings of record behind the pairs shown; our own assessment has no address to link.
        sources.AddRange(pairs.Take(shown).Select(p => _kb.Catalog.CrosswalkSources.GetValueOrDefault(p.Source))
            .OfType<CrosswalkSource>().Where(s => s.Url.Length > 0).DistinctBy(s => s.Id).Take(3).Select(s => new Source(s.Title, s.Url)));
        var related = (_entriesByRef.GetValueOrDefault(reference) ?? []).Select(e => new RelatedEntry(e.Id, e.Title)).Take(MaximumRelated).ToList();
        return new KnowledgeAnswer(AnswerKind.Crosswalk, text.ToString(), null, $"{item.Code} ↔ {other}", cited, sources, related, 0.95)
        {
            Shortened = pairs.Count > shown ? item.Ref : null,
        };
    }

    private IEnumerable<(CatalogItem Item, string Strength)> Mapped(string reference) =>
        _kb.Catalog.PairsOf(reference)
            .Select(p => (Item: _kb.Catalog.Find(p.Soc2Ref == reference ? p.IsoRef : p.Soc2Ref), p.Strength))
            .Where(m => m.Item is not null)
            .Select(m => (m.Item!, m.Strength));

    private static string Describe(CatalogItem item) => item.Kind switch
    {
        CatalogKind.Soc2Criterion => $"SOC 2 Trust Services Criteria, {item.Group}.",
        CatalogKind.AnnexAControl => $"ISO/IEC 27001:2022 Annex A, {item.Group.ToLowerInvariant()} controls{(item.NewIn2022 ? ", new in 2022" : "")}.",
        _ => string.IsNullOrEmpty(item.Group)
            ? "ISO/IEC 27001:2022 management-system clause (a requirement, not an optional control)."
            : $"ISO/IEC 27001:2022 management-system requirement, part of clause {item.Group}.",
    };

    private CitedReference? Cite(string reference) =>
        _kb.Catalog.Find(reference) is { } item ? new CitedReference(item.Ref, item.Code, item.Title) : null;

    private List<RelatedEntry> RelatedFrom(IReadOnlyList<SearchHit> hits, string? exclude)
    {
        return hits
            .Select(h => h.Key)
            .Where(k => k != exclude && _kb.ById.ContainsKey(k))
            .Select(k => new RelatedEntry(k, _kb.ById[k].Title))
            .Take(MaximumRelated)
            .ToList();
    }

    private static KnowledgeAnswer Abstain(string? why, IReadOnlyList<RelatedEntry> suggestions)
    {
        var text = (why is null ? "I don't know that one: it isn't covered by our SOC 2 and ISO 27001 knowledge base." : why)
            + " I can pass your question to the compliance team, and their answer will come back to you here.";
        return new KnowledgeAnswer(AnswerKind.Abstained, text, null, "Not covered", [], [], suggestions, 0);
    }

    private static bool AsksOtherFramework(string question, string reference)
    {
        var lower = question.ToLowerInvariant();
        return reference.StartsWith(Catalog.Soc2Prefix, StringComparison.Ordinal)
            ? IsoWord().IsMatch(lower)
            : Soc2Word().IsMatch(lower);
    }

    [GeneratedRegex(@"\b(map|maps|mapped|mapping|mappings|crosswalk|equivalent|equivalents|counterpart|corresponds?|correspond(?:ing)?|lines? up|align(?:s|ed)?|overlap(?:s)?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MappingIntent();

    [GeneratedRegex(@"^What(?:\s+is|'s)\s+(?:a\s+|an\s+|the\s+)?(?<subject>[^?(]+)", RegexOptions.IgnoreCase)]
    private static partial Regex DefinitionTitle();

    [GeneratedRegex(@"\bwhat(?:'?s|\s+is|\s+are|\s+(?:even|exactly|actually|really)\s+(?:is|are))\b|\bnutshell\b|\bexplain\b|\bdefin", RegexOptions.IgnoreCase)]
    private static partial Regex DefinitionCue();

    /// <summary>The words without which <see cref="ComparisonPattern"/> cannot match: most questions have none, and skip it.</summary>
    private static readonly HashSet<string> ComparisonWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "or", "vs", "versus", "compare", "compared", "diff", "diffs", "difference", "differences",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ComparisonWordLookup = ComparisonWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Whether a question has a word a comparison needs (a cheap test before the pattern, which scans lazily).</summary>
    private static bool MayCompare(string question)
    {
        var span = question.AsSpan();
        var start = -1;
        for (var i = 0; i <= span.Length; i++)
        {
            var letter = i < span.Length && char.IsLetter(span[i]);
            if (letter && start < 0)
            {
                start = i;
            }
            else if (!letter && start >= 0)
            {
                if (ComparisonWordLookup.Contains(span[start..i]))
                {
                    return true;
                }

                start = -1;
            }
        }

        return false;
    }

    /// <summary>"X vs Y", "X versus Y", "X or Y", "X compared to Y", "(the) difference between X and Y", "compare X and/with/to Y".</summary>
    [GeneratedRegex(@"^(?:.*?\bdiff(?:erence)?s?\s+between\s+|.*?\bcompare\s+)(?<a>.+?)\s+(?:and|&|vs\.?|versus|with|to)\s+(?<b>[^?]+)|^(?<a>.+?)\s+(?:vs\.?|versus|or|compared\s+(?:to|with))\s+(?<b>[^?]+)", RegexOptions.IgnoreCase)]
    private static partial Regex ComparisonPattern();

    /// <summary>
    /// A question for one item's number by its subject: "which annex a control is about X", "what tsc criterion covers X",
    /// "control number for X", "which clause covers X". Singular only: "which controls cover X" asks for an answer about X.
    /// </summary>
    [GeneratedRegex(@"\b(?:which|what)\s+(?:(?:iso(?:\s*27001)?|soc\s*2|soc2)\s+)?(?<kind>annex\s*a\s+control|iso\s+control|control|tsc\s+criterion|tsc|soc\s*2\s+criterion|criterion|criteria|clause)(?:'s|\s+(?:number|id|ref))?\s+(?:is|covers?|deals|handles|says|requires|talks|applies|for|about|on|addresses|is\s+about|would)\b|\b(?<kind>annex\s*a\s+control|control|criterion|clause)\s+(?:number|id|ref)\s+(?:for|about|on|covering)\b|\b(?<kind>annex\s*a\s+control|(?:iso(?:\s*27001)?|soc\s*2|soc2|tsc)\s+(?:control|criterion))\s+(?:for|about|on|covering)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ItemNumberAsked();

    [GeneratedRegex(@"[^.!?]+(?:[.!?]+(?=\s|$)|$)")]
    private static partial Regex Sentence();

    [GeneratedRegex(@"^(?<body>iso|iec|nist|soc)(?<number>\d+)$")]
    private static partial Regex StandardNumber();

    /// <summary>Our words that everyday speech uses too: a bare "iso" (not ISO 27001), type/stage 1 or 2, an annex (not Annex A), a CPA, certificates.</summary>
    [GeneratedRegex(@"\biso\b(?!\s*/?\s*(?:iec\s*)?(?:\d{4,5}|27k)\b)|\b(?:type|stage)\s*-?\s*(?:1|2|i|ii|one|two)\b|\bannex\b(?!\s*a\b)|\bcpas?\b|\bcertif\w*|\bcerts?\b", RegexOptions.IgnoreCase)]
    private static partial Regex AmbiguousAnchor();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>A number and a period in chat shorthand, written as one word: "3mo", "12mos", "6mths", "2yrs", "4wks".</summary>
    [GeneratedRegex(@"\b(?<n>\d{1,2})\s*(?<unit>mos?|mths?|yrs?|wks?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ShortPeriod();

    private static string PeriodWord(string unit) => char.ToLowerInvariant(unit[0]) switch
    {
        'y' => "years",
        'w' => "weeks",
        _ => "months",
    };

    [GeneratedRegex(@"\biso\b|27001|27k|annex")]
    private static partial Regex IsoWord();

    [GeneratedRegex(@"\bsoc\s*-?\s*(2|ii|two)\b|\bsoc2\b|\btsc\b|trust services")]
    private static partial Regex Soc2Word();

    /// <summary>Questions about the company's own people, dates, documents and results, which no curated answer can know.</summary>
    [GeneratedRegex(@"\b(?:who|when|where|which)(?:'s|\s+is|\s+are|\s+was|\s+were)?\s+(?:our|my)\b|\b(?:what|where)(?:'s|\s+is|\s+are)\s+our\b|\bdid\s+we\s+(?:pass|fail|get)\b.*\b(?:last|latest|recent|previous)\b|\bour\s+(?:own\s+)?(?:ciso|certificate\s+number|findings?|results?)\b|\bhow\s+many\b[^?]*\b(?:do|did)\s+we\s+have\b", RegexOptions.IgnoreCase)]
    private static partial Regex InternalFact();
}
