namespace ChatCompliance.Bot.Api.Auth;

/// <summary>
/// The roles of the admin API, as Entra ID app roles (the token's <c>roles</c> claim) and as API keys carry them.
/// A person's ComplianceLead / Admin roles in the People table grant the same, matched by the token's <c>oid</c>.
/// </summary>
internal static class AdminRoles
{
    /// <summary>The claim the roles travel in, for tokens and API keys alike.</summary>
    public const string ClaimType = "roles";

    /// <summary>Reads everything; writes controls, tasks and audits.</summary>
    public const string Lead = "Compliance.Lead";

    /// <summary>Everything a lead may do, plus people and API keys.</summary>
    public const string Admin = "Compliance.Admin";
}

/// <summary>The authorization policies; an endpoint group picks one with <c>RequireAuthorization</c>.</summary>
internal static class AdminPolicies
{
    /// <summary>Compliance lead or admin: every read, and writes to controls, tasks and audits.</summary>
    public const string Lead = "AdminApi.Lead";

    /// <summary>Admin only: people and API keys.</summary>
    public const string Admin = "AdminApi.Admin";
}
