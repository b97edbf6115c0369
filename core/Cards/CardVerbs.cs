namespace ChatCompliance.Core.Cards;

/// <summary>The verbs a <see cref="CardAction"/> sends back; the handler for each is found by verb.</summary>
public static class CardVerbs
{
    /// <summary>Show a related entry; data <see cref="CardDataKeys.Entry"/> = the entry id.</summary>
    public const string QaRelated = "qa.related";

    /// <summary>Pass an unanswered question to the compliance team; data <see cref="CardDataKeys.Question"/> = the question id.</summary>
    public const string QaHandOff = "qa.handoff";

    /// <summary>
    /// A compliance lead answers a handed-off question; data <see cref="CardDataKeys.Question"/> = the question id,
    /// input <see cref="CardDataKeys.Answer"/> = the lead's text.
    /// </summary>
    public const string QaAnswer = "qa.answer";

    /// <summary>Show the help card.</summary>
    public const string Help = "help";
}

/// <summary>The keys of <see cref="CardAction.Data"/> and the ids of inputs.</summary>
public static class CardDataKeys
{
    /// <summary>A knowledge entry id.</summary>
    public const string Entry = "entry";

    /// <summary>A question id (a GUID).</summary>
    public const string Question = "question";

    /// <summary>The input carrying a compliance lead's answer.</summary>
    public const string Answer = "answer";
}
