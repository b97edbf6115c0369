using ChatCompliance.Core.Cards;

namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// Answers in a conversation: the same engine, given the topic of the previous turn, answers follow-ups such as "and
/// for ISO?" or "which clause is that?", and returns the topic to remember. Every follow-up becomes a question the
/// engine answers as it answers any other (with the previous question's words rewritten), or a look-up of the previous
/// answer's references; a question that stands on its own is answered alone, whatever was remembered.
/// </summary>
public sealed partial class QuestionAnswerer
{
    /// <summary>Said to a follow-up when nothing is remembered to follow.</summary>
    public const string NoTopicText =
        "What are we talking about? I don't have an earlier question of yours in this conversation in mind (or it was a while ago). " +
        "Ask me the whole question, for example \"how long does ISO 27001 certification take?\".";

    /// <summary>Whether <paramref name="question"/> may build on the previous turn (a caller need not look up the topic otherwise).</summary>
    public static bool MayFollowUp(string? question) => FollowUps.Classify(question ?? "").Kind != FollowUpKind.None;

    /// <summary>Answers <paramref name="question"/> as the next turn after <paramref name="previous"/> (null: nothing remembered); never throws on input.</summary>
    public TurnAnswer Answer(string? question, ConversationTopic? previous)
    {
        question = (question ?? "").Trim();
        if (question.Length > TextAnalyzer.MaximumQuestionLength)
        {
            question = question[..TextAnalyzer.MaximumQuestionLength];
        }

        var followUp = FollowUps.Classify(question);
        if (followUp.Kind == FollowUpKind.None)
        {
            return Alone(question);
        }

        if (previous is null || string.IsNullOrWhiteSpace(previous.Subject))
        {
            // "how long does that take?" is still a question; "and for ISO?" alone is not.
            return followUp.Kind is FollowUpKind.SameFramework or FollowUpKind.OtherSide
                ? Alone(question)
                : new TurnAnswer(Abstain(null, []) with { Text = NoTopicText, Title = "Which topic?" }, null, FollowUpKind.NoTopic);
        }

        return followUp.Kind switch
        {
            FollowUpKind.OtherFramework => Counterpart(previous, followUp.Target!.Value),
            FollowUpKind.Variant => FollowUps.VariantFor(followUp.Variant!, previous.Subject) is { } variant
                ? Resolved(FollowUps.WithVariant(previous.Subject, variant), FollowUpKind.Variant)
                : PointingBack(question, previous),
            FollowUpKind.Elaborate => Again(question, previous),
            FollowUpKind.References => ReferencesOf(previous, followUp.Target),
            FollowUpKind.Mapping => MappingOf(previous, followUp.Target),
            FollowUpKind.OtherSide => OtherSide(question, previous),
            _ => PointingBack(question, previous),
        };
    }

    /// <summary>
    /// "who signs it?", "how often do we have to renew it?", "can our audit firm do that for us?": "it" is the topic. Read
    /// first with the last question's subject added at a lower weight (and, when the last answer came from the catalog, the
    /// item's title), then with "it" read as the topic's framework ("how long does that take?" about SOC 2), then alone;
    /// the first reading answered wins.
    /// </summary>
    private TurnAnswer PointingBack(string question, ConversationTopic previous)
    {
        var subject = FollowUps.SubjectOf(previous.Subject);
        var inContext = AnswerInContext(question, $"{subject}\n{ItemTitleOf(previous)}");
        if (!inContext.Abstained)
        {
            return new TurnAnswer(inContext, TopicOf(FollowUps.Resolve(question, subject), inContext), FollowUpKind.SameFramework);
        }

        if (FrameworkOf(previous) is { } framework)
        {
            var reading = FollowUps.Resolve(question, framework);
            var answer = Answer(reading);
            if (!answer.Abstained)
            {
                return new TurnAnswer(answer, TopicOf(reading, answer), FollowUpKind.SameFramework);
            }
        }

        return Alone(question);
    }

    /// <summary>
    /// "which ones?" after "how many controls are new in 2022?": the last answer's entry again (it is what we know on the
    /// topic), or its catalog items; read as pointing back when the last answer was neither.
    /// </summary>
    private TurnAnswer Again(string question, ConversationTopic previous)
    {
        if (previous.EntryId is { } id && _kb.ById.TryGetValue(id, out var entry))
        {
            return new TurnAnswer(AnswerEntry(entry, [], 0.95), previous, FollowUpKind.Elaborate);
        }

        return previous.References.Count > 0
            ? new TurnAnswer(AnswerCatalog(previous.References, 0.95), previous, FollowUpKind.Elaborate)
            : PointingBack(question, previous);
    }

    private TurnAnswer Alone(string question) => Resolved(question, FollowUpKind.None);

    private TurnAnswer Resolved(string question, FollowUpKind kind)
    {
        var answer = Answer(question);
        return new TurnAnswer(answer, TopicOf(question, answer), kind);
    }

    private static ConversationTopic? TopicOf(string subject, KnowledgeAnswer answer) =>
        answer.Abstained ? null : new ConversationTopic(subject, answer.EntryId, [.. answer.References.Select(r => r.Ref)]);

    /// <summary>
    /// "and for ISO?": the title of the entry that answered the previous question, then the previous question itself,
    /// with the framework's words swapped, are asked again; the first answer about the other framework wins (else one
    /// about both or neither). When no entry is about the topic in the other framework, the crosswalk of the previous
    /// answer's references is the counterpart, said as such; with none of those either, an honest "I don't know".
    /// </summary>
    private TurnAnswer Counterpart(ConversationTopic previous, TopicFramework target)
    {
        if (ScopeOfTopic(previous) == ScopeOf(target))
        {
            // "and soc 2?" about SOC 2 already: the same topic again.
            return Resolved(previous.Subject, FollowUpKind.OtherFramework);
        }

        // The curated title first: it says what the topic is in the knowledge base's own words.
        var asked = new List<string>();
        if (previous.EntryId is { } id && _kb.ById.TryGetValue(id, out var entry))
        {
            asked.Add(FollowUps.Swap(entry.Title, target));
        }

        asked.Add(FollowUps.Swap(previous.Subject, target));
        (string Question, KnowledgeAnswer Answer)? fallback = null;
        foreach (var question in asked.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var answer = Answer(question);
            if (answer.Abstained || answer.Kind != AnswerKind.Entry || answer.EntryId == previous.EntryId)
            {
                continue;
            }

            var scope = ScopeOfAnswer(answer);
            if (scope == ScopeOf(target))
            {
                return new TurnAnswer(answer, TopicOf(question, answer), FollowUpKind.OtherFramework);
            }

            if (scope != ScopeOfTopic(previous))
            {
                fallback ??= (question, answer);
            }
        }

        if (fallback is { } found)
        {
            return new TurnAnswer(found.Answer, TopicOf(found.Question, found.Answer), FollowUpKind.OtherFramework);
        }

        if (previous.EntryId is { } previousId && _kb.ById.TryGetValue(previousId, out var covering) && CoversBoth(covering, target))
        {
            // "and iso 27001?" after an answer that already cites ISO 27001 items and says what ISO expects: that answer is the counterpart.
            var again = AnswerEntry(covering, [], 0.95);
            var lead = $"My last answer covers {FollowUps.NameOf(target)} too:{AnswerMarkdown.Paragraph}";
            return new TurnAnswer(again with { Text = lead + again.Text }, previous, FollowUpKind.OtherFramework);
        }

        var from = target == TopicFramework.Iso ? TopicFramework.Soc2 : TopicFramework.Iso;
        if (KnownReferences(previous, from).Count > 0)
        {
            var mapping = MappingOf(previous, target).Answer;
            var note = $"I have no {FollowUps.NameOf(target)} answer on that topic itself. The nearest is our crosswalk of what my last answer cited:{AnswerMarkdown.Paragraph}";
            return new TurnAnswer(mapping with { Text = note + mapping.Text }, previous, FollowUpKind.OtherFramework);
        }

        var text = $"I don't have a {FollowUps.NameOf(target)} counterpart of that topic in our knowledge base.";
        return new TurnAnswer(Abstain(text, []), previous, FollowUpKind.OtherFramework);
    }

    /// <summary>
    /// What a last answer that came from the catalog was about, in the catalog's words: "clause 9.3" is a management review.
    /// An entry's title adds nothing its question did not say, and broad titles ("What is ISO 27001?") only blur it.
    /// </summary>
    private string ItemTitleOf(ConversationTopic previous) =>
        previous.EntryId is null ? previous.References.Select(_kb.Catalog.Find).FirstOrDefault(i => i is not null)?.Title ?? "" : "";

    /// <summary>
    /// "what about inclusive?" after the carve-out method, "and a minor one?" after a major nonconformity: answered alone
    /// when that finds an answer ("and what about vendors?" is a question of its own); otherwise the words are asked in the
    /// topic's framework, then with its entry's title, so the other side of the same topic is found.
    /// </summary>
    private TurnAnswer OtherSide(string question, ConversationTopic previous)
    {
        var alone = Answer(question);
        if (!alone.Abstained || FollowUps.OtherSideOf(question) is not { } side)
        {
            return new TurnAnswer(alone, TopicOf(question, alone), FollowUpKind.None);
        }

        // "and the cost?" after SOC 2's timeline is SOC 2's cost: the words with the topic's framework first, then with its title.
        var about = previous.EntryId is { } id && _kb.ById.TryGetValue(id, out var entry) ? entry.Title : previous.Subject;
        string?[] readings = [FrameworkOf(previous) is { } framework ? $"{side} {framework}" : null, $"{about} {side}"];
        foreach (var asked in readings.OfType<string>())
        {
            var answer = Answer(asked);
            if (!answer.Abstained)
            {
                return new TurnAnswer(answer, TopicOf(asked, answer), FollowUpKind.OtherSide);
            }
        }

        return new TurnAnswer(alone, null, FollowUpKind.None);
    }

    /// <summary>
    /// Whether an entry answers for <paramref name="target"/> as well: its title is not about one framework (it names both or
    /// neither), cites the target's items and names the target in its answer.
    /// </summary>
    private static bool CoversBoth(KnowledgeEntry entry, TopicFramework target)
    {
        var prefix = target == TopicFramework.Iso ? Catalog.IsoPrefix : Catalog.Soc2Prefix;
        return ScopeOf(entry.Title) is Scope.Both or Scope.None
            && entry.References.Any(r => r.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            && TextAnalyzer.Terms(entry.AnswerText).Any((target == TopicFramework.Iso ? IsoTerms : Soc2Terms).Contains);
    }

    /// <summary>"which clause is that?": the previous answer's references, those of the framework asked for when it names one.</summary>
    private TurnAnswer ReferencesOf(ConversationTopic previous, TopicFramework? wanted)
    {
        var refs = KnownReferences(previous, wanted);
        if (wanted is { } framework && refs.Count > 0 && ScopeOfReferences(refs) != ScopeOf(framework))
        {
            // "which iso control covers that?" after an answer citing only SOC 2 criteria: the crosswalk is the answer.
            return MappingOf(previous, wanted) with { FollowUp = FollowUpKind.References };
        }

        if (refs.Count == 0)
        {
            var text = "My last answer here didn't cite a specific criterion, clause or control. Ask me about one by name, for example \"what is CC6.1?\" or \"what is A.8.28?\".";
            return new TurnAnswer(Abstain(null, []) with { Text = text, Title = "No references" }, previous, FollowUpKind.References);
        }

        // The topic stays what it was: "which clause is that?" then "and for ISO?" is still about the first question.
        return new TurnAnswer(AnswerCatalog(refs, 0.95), previous, FollowUpKind.References);
    }

    /// <summary>"show the mapping": the crosswalk of the previous answer's references (of the other side's, when a target is named).</summary>
    private TurnAnswer MappingOf(ConversationTopic previous, TopicFramework? target)
    {
        // "how does that map to ISO": the mapping of the SOC 2 references onto ISO, so the references to start from are SOC 2's.
        TopicFramework? from = target switch
        {
            TopicFramework.Iso => TopicFramework.Soc2,
            TopicFramework.Soc2 => TopicFramework.Iso,
            _ => null,
        };
        var refs = KnownReferences(previous, from);
        if (refs.Count == 0)
        {
            var text = "My last answer here didn't cite a criterion, clause or control to map. Ask me about one by name, for example \"how does CC6.1 map to ISO 27001?\".";
            return new TurnAnswer(Abstain(null, []) with { Text = text, Title = "Nothing to map" }, previous, FollowUpKind.Mapping);
        }

        var parts = refs.Take(MaximumMappedReferences).Select(r => AnswerCrosswalk(r)).ToList();
        var answer = parts.Count == 1
            ? parts[0]
            : parts[0] with
            {
                Text = string.Join(AnswerMarkdown.Paragraph, parts.Select(p => p.Text)),
                Title = "Crosswalk of " + string.Join(", ", refs.Take(MaximumMappedReferences).Select(r => _kb.Catalog.Find(r)!.Code)),
                References = [.. parts.SelectMany(p => p.References).DistinctBy(r => r.Ref)],
                Sources = [.. parts.SelectMany(p => p.Sources).Distinct()],
                Related = [.. parts.SelectMany(p => p.Related).DistinctBy(r => r.EntryId).Take(MaximumRelated)],
                Shortened = parts.Select(p => p.Shortened).FirstOrDefault(s => s is not null),
            };
        return new TurnAnswer(answer, previous, FollowUpKind.Mapping);
    }

    /// <summary>How many of the previous answer's references one mapping answer shows the crosswalk of.</summary>
    private const int MaximumMappedReferences = 3;

    /// <summary>The topic's references that are in the catalog, those of <paramref name="wanted"/> first (only those, when there are any).</summary>
    private List<string> KnownReferences(ConversationTopic previous, TopicFramework? wanted)
    {
        var known = previous.References.Where(r => _kb.Catalog.Find(r) is not null).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (wanted is { } framework)
        {
            var prefix = framework == TopicFramework.Iso ? Catalog.IsoPrefix : Catalog.Soc2Prefix;
            var of = known.Where(r => r.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).ToList();
            if (of.Count > 0)
            {
                return of;
            }
        }

        return known;
    }

    /// <summary>The name to read "that" as in the topic's framework ("SOC 2", "ISO 27001", or both); null when the topic is about neither.</summary>
    private string? FrameworkOf(ConversationTopic topic) => ScopeOfTopic(topic) switch
    {
        Scope.Soc2 => FollowUps.NameOf(TopicFramework.Soc2),
        Scope.Iso => FollowUps.NameOf(TopicFramework.Iso),
        Scope.Both => $"{FollowUps.NameOf(TopicFramework.Soc2)} and {FollowUps.NameOf(TopicFramework.Iso)}",
        _ => null,
    };

    private static Scope ScopeOf(TopicFramework framework) => framework == TopicFramework.Iso ? Scope.Iso : Scope.Soc2;

    /// <summary>What a topic is about: its question's framework words, else its entry's, else its references'.</summary>
    private Scope ScopeOfTopic(ConversationTopic topic) =>
        ScopeOf(topic.Subject) is var asked and not Scope.None ? asked
        : topic.EntryId is not null && _scopes.TryGetValue(topic.EntryId, out var scope) && scope != Scope.None ? scope
        : ScopeOfReferences(topic.References);

    private Scope ScopeOfAnswer(KnowledgeAnswer answer) =>
        answer.EntryId is not null && _scopes.TryGetValue(answer.EntryId, out var scope) && scope != Scope.None
            ? scope
            : ScopeOfReferences(answer.Kind == AnswerKind.Crosswalk ? [] : answer.References.Take(1).Select(r => r.Ref).ToList());

    private static Scope ScopeOfReferences(IReadOnlyList<string> references)
    {
        var scope = Scope.None;
        foreach (var reference in references)
        {
            scope |= reference.StartsWith(Catalog.Soc2Prefix, StringComparison.OrdinalIgnoreCase) ? Scope.Soc2
                : reference.StartsWith(Catalog.IsoPrefix, StringComparison.OrdinalIgnoreCase) ? Scope.Iso
                : Scope.None;
        }

        return scope;
    }
}
