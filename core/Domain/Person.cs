namespace ChatCompliance.Core.Domain;

/// <summary>What a person may do; a person usually holds several roles.</summary>
[Flags]
public enum PersonRoles
{
    /// <summary>No role beyond being known.</summary>
    None = 0,
    /// <summary>Any employee: asks questions.</summary>
    Employee = 1,
    /// <summary>Owns controls and their evidence tasks.</summary>
    ControlOwner = 2,
    /// <summary>Decides access-review items.</summary>
    Reviewer = 4,
    /// <summary>Runs the programme: accepts evidence, answers escalated questions.</summary>
    ComplianceLead = 8,
    /// <summary>Configures the application.</summary>
    Admin = 16,
}

/// <summary>One human, known by email, reachable on Teams, Slack or both.</summary>
public sealed class Person
{
    public Guid Id { get; set; } = Guid.NewGuid();

    /// <summary>Lower-case email; the key that links a Teams and a Slack identity to one person.</summary>
    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>IANA time zone id (for example <c>Europe/Berlin</c>); reminders respect it.</summary>
    public string TimeZone { get; set; } = "UTC";

    public PersonRoles Roles { get; set; } = PersonRoles.Employee;

    /// <summary>Teams user id (<c>29:…</c>) as the Bot Framework sends it.</summary>
    public string? TeamsUserId { get; set; }

    /// <summary>Entra ID object id, also the key for Microsoft Graph.</summary>
    public string? EntraObjectId { get; set; }

    /// <summary>Slack user id (<c>U…</c>).</summary>
    public string? SlackUserId { get; set; }

    /// <summary>Slack workspace id (<c>T…</c>) of <see cref="SlackUserId"/>.</summary>
    public string? SlackTeamId { get; set; }

    public Guid? ManagerId { get; set; }

    public Person? Manager { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>True when the person holds every role in <paramref name="roles"/>.</summary>
    public bool Has(PersonRoles roles) => (Roles & roles) == roles;

    /// <summary>The form in which emails are stored and compared.</summary>
    public static string NormaliseEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The longest email address the store keeps.</summary>
    public const int MaxEmailLength = 320;

    /// <summary>True for a bare address (<c>name@example.com</c>): no display name, no spaces, a dotted domain.</summary>
    public static bool IsValidEmail(string email)
    {
        if (email.Length is 0 or > MaxEmailLength || email.Any(char.IsWhiteSpace) || !System.Net.Mail.MailAddress.TryCreate(email, out var address))
        {
            return false;
        }

        return address.Address == email && address.DisplayName.Length == 0 && address.Host.Contains('.', StringComparison.Ordinal) && !address.Host.EndsWith('.');
    }
}
