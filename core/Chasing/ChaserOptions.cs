using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Core.Chasing;

/// <summary>Who a step of the chase ladder goes to.</summary>
public enum ChaseTarget
{
    /// <summary>The task's owner and delegate (in access reviews: the reviewer).</summary>
    Owner = 0,
    /// <summary>The owner's manager, from Microsoft Graph when it is configured, else from the people register.</summary>
    Manager = 1,
    /// <summary>Every active compliance lead.</summary>
    ComplianceLead = 2,
}

/// <summary>One rung of the ladder: whom to chase, and when relative to the due date.</summary>
/// <param name="OffsetDays">Days after the due date (negative: before it).</param>
/// <param name="Target">Who is chased.</param>
public sealed record ChaseStep(int OffsetDays, ChaseTarget Target)
{
    /// <summary>A name that stays the same when other steps are added or removed (<c>owner-3</c>, <c>manager+5</c>), used in idempotency keys.</summary>
    public string Name => $"{Target.ToString().ToLowerInvariant()}{(OffsetDays < 0 ? "-" : "+")}{Math.Abs(OffsetDays)}";
}

/// <summary>Settings of the evidence chaser: the reminder and escalation ladder, working days and quiet hours.</summary>
public sealed class ChaserOptions : IValidatableObject
{
    public const string SectionName = "Chaser";

    /// <summary>The furthest a step may be from the due date, in days.</summary>
    public const int MaxOffsetDays = 365;

    /// <summary>The ladder of the issue: reminders 3 days before, on the due day and 2 days after; the manager at 5 days overdue, the compliance leads at 10.</summary>
    public static IReadOnlyList<ChaseStep> DefaultLadder { get; } =
    [
        new(-3, ChaseTarget.Owner),
        new(0, ChaseTarget.Owner),
        new(2, ChaseTarget.Owner),
        new(5, ChaseTarget.Manager),
        new(10, ChaseTarget.ComplianceLead),
    ];

    /// <summary>Monday to Friday.</summary>
    public static IReadOnlyList<DayOfWeek> DefaultWorkingDays { get; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    // Empty lists mean the defaults: the configuration binder appends to a list it finds filled, so the defaults can't live here.

    /// <summary>The steps; empty means <see cref="DefaultLadder"/>. Configured as a whole (<c>Chaser:Ladder:0:OffsetDays</c>, <c>…:Target</c>).</summary>
    public List<ChaseStep> Ladder { get; set; } = [];

    /// <summary>Days on which people are chased; empty means <see cref="DefaultWorkingDays"/>.</summary>
    public List<DayOfWeek> WorkingDays { get; set; } = [];

    /// <summary>Local time from which nobody is chased.</summary>
    public TimeOnly QuietHoursStart { get; set; } = new(18, 0);

    /// <summary>Local time until which nobody is chased; equal to <see cref="QuietHoursStart"/> means no quiet hours.</summary>
    public TimeOnly QuietHoursEnd { get; set; } = new(9, 0);

    /// <summary>IANA time zone of people whose own time zone is unset (the register's default <c>UTC</c>), empty or unknown.</summary>
    [Required]
    public string CompanyTimeZone { get; set; } = "UTC";

    /// <summary>Cron expression (UTC) of the chaser job; hourly, so that each person is reached early in their working day.</summary>
    [Required]
    public string ChaseCron { get; set; } = "5 * * * *";

    /// <summary>The ladder in force.</summary>
    public IReadOnlyList<ChaseStep> EffectiveLadder() => Ladder.Count > 0 ? Ladder : DefaultLadder;

    /// <summary>The working days in force.</summary>
    public IReadOnlyList<DayOfWeek> EffectiveWorkingDays() => WorkingDays.Count > 0 ? WorkingDays : DefaultWorkingDays;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var step in Ladder)
        {
            if (step is null || Math.Abs(step.OffsetDays) > MaxOffsetDays || !Enum.IsDefined(step.Target))
            {
                yield return new ValidationResult(
                    $"Chaser:Ladder: each step needs OffsetDays between -{MaxOffsetDays} and {MaxOffsetDays} and a Target of Owner, Manager or ComplianceLead.", [nameof(Ladder)]);
                yield break;
            }
        }

        if (Ladder.GroupBy(s => s.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            yield return new ValidationResult($"Chaser:Ladder has the step {twice.Key} twice.", [nameof(Ladder)]);
        }

        if (WorkingDays.Any(d => !Enum.IsDefined(d)))
        {
            yield return new ValidationResult("Chaser:WorkingDays: use day names, Monday to Sunday.", [nameof(WorkingDays)]);
        }

        if (!string.IsNullOrWhiteSpace(CompanyTimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(CompanyTimeZone, out _))
        {
            yield return new ValidationResult($"Chaser:CompanyTimeZone '{CompanyTimeZone}' is not a known time zone; use an IANA id such as Europe/Berlin.", [nameof(CompanyTimeZone)]);
        }
    }
}
