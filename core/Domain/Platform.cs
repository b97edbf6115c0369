namespace ChatCompliance.Core.Domain;

/// <summary>Where an action came from or where a message goes.</summary>
/// <remarks>The names are part of every audit-trail entry's hash: renaming one breaks the chain.</remarks>
public enum Platform
{
    /// <summary>The application itself (jobs, start-up).</summary>
    System = 0,
    /// <summary>Microsoft Teams through the Bot Framework.</summary>
    Teams = 1,
    /// <summary>Slack.</summary>
    Slack = 2,
    /// <summary>The admin REST API.</summary>
    Api = 3,
    /// <summary>A command-line verb.</summary>
    Cli = 4,
    /// <summary>The My compliance and Programme pages (browser or Teams tab).</summary>
    Web = 5,
}
