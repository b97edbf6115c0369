namespace ChatCompliance.Core.Chasing;

/// <summary>
/// When each step of the chase ladder is due for one person, in their own calendar: a step's day is the due date plus
/// its offset, moved to the next working day when it falls on another; it is sent on that day only, outside quiet hours.
/// On a day several steps share (a weekend folded them together) only the latest counts, and a step whose day has passed
/// is never sent late: a task created the day before it is due gets the due-day reminder, not the three-day one.
/// Pure: no clock, no store.
/// </summary>
public sealed class ChaseLadder
{
    // The next working day is at most six days on, whatever the working week.
    private const int LongestShiftDays = 6;

    private readonly HashSet<DayOfWeek> _workingDays;
    private readonly TimeOnly _quietStart;
    private readonly TimeOnly _quietEnd;

    public ChaseLadder(ChaserOptions options)
        : this(options.EffectiveLadder(), options.EffectiveWorkingDays(), options.QuietHoursStart, options.QuietHoursEnd,
            ResolveZone(options.CompanyTimeZone) ?? TimeZoneInfo.Utc)
    {
    }

    private ChaseLadder(IEnumerable<ChaseStep> steps, IEnumerable<DayOfWeek> workingDays, TimeOnly quietStart, TimeOnly quietEnd, TimeZoneInfo companyZone)
    {
        Steps = [.. steps.OrderBy(s => s.OffsetDays).ThenBy(s => s.Target)];
        _workingDays = [.. workingDays];
        _quietStart = quietStart;
        _quietEnd = quietEnd;
        CompanyZone = companyZone;
    }

    /// <summary>The steps, earliest first.</summary>
    public IReadOnlyList<ChaseStep> Steps { get; }

    /// <summary>The zone of people without a usable one of their own.</summary>
    public TimeZoneInfo CompanyZone { get; }

    /// <summary>
    /// The ladder of an access review, which closes the day after its due date: the reviewer gets the reminders up to
    /// and on the due day; the later owner reminders and the compliance leads' step are dropped (the leads get the
    /// summary when the review closes); a manager step becomes one escalation to the reviewer's manager on the due day.
    /// </summary>
    public ChaseLadder ForReviews()
    {
        var steps = Steps.Where(s => s.Target == ChaseTarget.Owner && s.OffsetDays <= 0).ToList();
        if (Steps.Any(s => s.Target == ChaseTarget.Manager))
        {
            steps.Add(new ChaseStep(0, ChaseTarget.Manager));
        }

        return new ChaseLadder(steps, _workingDays, _quietStart, _quietEnd, CompanyZone);
    }

    /// <summary>
    /// The person's zone: their IANA id when it is known, otherwise the company's. The register's default <c>UTC</c> means
    /// "never told" and also gets the company's zone; <c>Etc/UTC</c> says UTC on purpose.
    /// </summary>
    public TimeZoneInfo ZoneOf(string? timeZoneId) =>
        string.IsNullOrWhiteSpace(timeZoneId) || timeZoneId == "UTC" ? CompanyZone : ResolveZone(timeZoneId) ?? CompanyZone;

    /// <summary>The date on the person's calendar at <paramref name="now"/>.</summary>
    public static DateOnly LocalDate(DateTimeOffset now, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    /// <summary>True on a working day.</summary>
    public bool IsWorkingDay(DateOnly date) => _workingDays.Contains(date.DayOfWeek);

    /// <summary>The day a step is sent: the due date plus its offset, or the next working day after that.</summary>
    public DateOnly StepDate(DateOnly dueDate, ChaseStep step)
    {
        var date = dueDate.AddDays(step.OffsetDays);
        for (var shift = 0; shift < LongestShiftDays && !IsWorkingDay(date); shift++)
        {
            date = date.AddDays(1);
        }

        return date;
    }

    /// <summary>True when the person may be chased now: a working day in their zone, outside quiet hours.</summary>
    public bool IsSendingTime(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        if (!IsWorkingDay(DateOnly.FromDateTime(local)))
        {
            return false;
        }

        var time = TimeOnly.FromDateTime(local);
        return _quietStart == _quietEnd
            || (_quietStart > _quietEnd ? time >= _quietEnd && time < _quietStart : time < _quietStart || time >= _quietEnd);
    }

    /// <summary>The step for <paramref name="target"/> to send now to a person in <paramref name="zone"/>, or null when none is due.</summary>
    public ChaseStep? StepDue(DateOnly dueDate, ChaseTarget target, TimeZoneInfo zone, DateTimeOffset now)
    {
        if (!IsSendingTime(now, zone))
        {
            return null;
        }

        var today = LocalDate(now, zone);
        return Steps.LastOrDefault(s => s.Target == target && StepDate(dueDate, s) == today);
    }

    /// <summary>True when a step for <paramref name="target"/> may be due now for someone, somewhere: worth looking up who that is.</summary>
    public bool MayBeDue(DateOnly dueDate, ChaseTarget target, DateTimeOffset now)
    {
        var utcToday = DateOnly.FromDateTime(now.UtcDateTime);
        return Steps.Any(s => s.Target == target && Math.Abs(StepDate(dueDate, s).DayNumber - utcToday.DayNumber) <= 1);
    }

    /// <summary>The due dates for which some step may be due today somewhere on Earth (local dates are within a day of UTC's).</summary>
    public (DateOnly From, DateOnly To) DueDatesInPlay(DateTimeOffset now)
    {
        var utcToday = DateOnly.FromDateTime(now.UtcDateTime);
        if (Steps.Count == 0)
        {
            return (utcToday, utcToday.AddDays(-1));
        }

        return (utcToday.AddDays(-1 - Steps[^1].OffsetDays - LongestShiftDays), utcToday.AddDays(1 - Steps[0].OffsetDays));
    }

    private static TimeZoneInfo? ResolveZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
