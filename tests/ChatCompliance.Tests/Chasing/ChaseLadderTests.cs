using ChatCompliance.Core.Chasing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChatCompliance.Tests.Chasing;

/// <summary>The chase ladder's calendar, run as the hourly job runs it (at five past each hour, UTC) over whole weeks.</summary>
public sealed class ChaseLadderTests
{
    private static readonly ChaseLadder Default = new(new ChaserOptions());

    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    [Fact]
    public void StepDue_DefaultLadderOverAMonth_SendsEachStepOnceOnItsWorkingDayAtNineLocal()
    {
        var due = new DateOnly(2027, 1, 21); // a Thursday
        var sends = Run(Default, due, Zone("Europe/Berlin"), new DateOnly(2027, 1, 1), new DateOnly(2027, 2, 10));

        Assert.Equal(
        [
            ("owner-3", "2027-01-18 09:05"),          // Monday
            ("owner+0", "2027-01-21 09:05"),
            ("owner+2", "2027-01-25 09:05"),          // Saturday, moved to Monday
            ("manager+5", "2027-01-26 09:05"),
            ("compliancelead+10", "2027-02-01 09:05"), // Sunday, moved to Monday
        ], sends.Select(s => (s.Step, s.FirstLocal)));
        Assert.All(sends, s => Assert.Single(s.Days)); // sent on that day only: hourly runs within it hit one idempotency key
    }

    [Fact]
    public void StepDue_DueOnASaturday_FoldsTheDueDayIntoTheLaterReminderOnMonday()
    {
        var sends = Run(Default, new DateOnly(2027, 1, 23), Zone("Europe/Berlin"), new DateOnly(2027, 1, 15), new DateOnly(2027, 1, 27));

        Assert.Equal(["owner-3", "owner+2"], sends.Where(s => s.Target == ChaseTarget.Owner).Select(s => s.Step));
        Assert.Equal("2027-01-20 09:05", sends.Single(s => s.Step == "owner-3").FirstLocal); // Wednesday
        Assert.Equal("2027-01-25 09:05", sends.Single(s => s.Step == "owner+2").FirstLocal);
    }

    [Fact]
    public void StepDue_TaskCreatedTheDayBeforeItIsDue_GetsTheDueDayReminderNotTheThreeDayOne()
    {
        var due = new DateOnly(2027, 1, 21);
        var created = new DateTimeOffset(2027, 1, 20, 10, 0, 0, TimeSpan.Zero);

        var sends = Run(Default, due, TimeZoneInfo.Utc, DateOnly.FromDateTime(created.UtcDateTime), due.AddDays(1));

        Assert.Equal([("owner+0", "2027-01-21 09:05")], sends.Select(s => (s.Step, s.FirstLocal)));
    }

    [Theory]
    [InlineData(8, 59, false)]
    [InlineData(9, 0, true)]
    [InlineData(13, 30, true)]
    [InlineData(17, 59, true)]
    [InlineData(18, 0, false)]
    [InlineData(23, 0, false)]
    [InlineData(2, 0, false)]
    public void IsSendingTime_DefaultQuietHours_OnlyBetweenNineAndSixLocal(int hour, int minute, bool expected)
    {
        var zone = Zone("America/New_York");
        var local = new DateTime(2027, 1, 21, hour, minute, 0, DateTimeKind.Unspecified);
        var now = new DateTimeOffset(local, zone.GetUtcOffset(local));

        Assert.Equal(expected, Default.IsSendingTime(now, zone));
    }

    [Fact]
    public void IsSendingTime_QuietHoursWithinADayOrNone_AreHonoured()
    {
        var lunch = new ChaseLadder(new ChaserOptions { QuietHoursStart = new TimeOnly(12, 0), QuietHoursEnd = new TimeOnly(13, 0) });
        var never = new ChaseLadder(new ChaserOptions { QuietHoursStart = new TimeOnly(0, 0), QuietHoursEnd = new TimeOnly(0, 0) });
        DateTimeOffset At(int hour) => new(2027, 1, 21, hour, 30, 0, TimeSpan.Zero);

        Assert.True(lunch.IsSendingTime(At(11), TimeZoneInfo.Utc));
        Assert.False(lunch.IsSendingTime(At(12), TimeZoneInfo.Utc));
        Assert.True(lunch.IsSendingTime(At(13), TimeZoneInfo.Utc));
        Assert.True(lunch.IsSendingTime(At(23), TimeZoneInfo.Utc));
        Assert.True(never.IsSendingTime(At(3), TimeZoneInfo.Utc));
        Assert.False(never.IsSendingTime(new DateTimeOffset(2027, 1, 23, 10, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc)); // Saturday
    }

    [Fact]
    public void StepDue_SundayToThursdayWeek_MovesAFridayDueDateToSunday()
    {
        var ladder = new ChaseLadder(new ChaserOptions
        {
            WorkingDays = [DayOfWeek.Sunday, DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday],
        });

        var sends = Run(ladder, new DateOnly(2027, 1, 29), Zone("Asia/Jerusalem"), new DateOnly(2027, 1, 20), new DateOnly(2027, 2, 1));

        Assert.Equal("2027-01-26 09:05", sends.Single(s => s.Step == "owner-3").FirstLocal); // Tuesday
        Assert.Equal("2027-01-31 09:05", sends.Single(s => s.Step == "owner+2").FirstLocal); // Friday and Saturday off: Sunday
        Assert.DoesNotContain(sends, s => s.Step == "owner+0"); // folded into the Sunday one
    }

    [Fact]
    public void StepDue_AucklandAndLosAngeles_EachGetsTheDueDayReminderAtNineOnTheirOwnDueDay()
    {
        var due = new DateOnly(2027, 4, 5); // Monday; Auckland left daylight saving on Sunday 4 April

        var auckland = Run(Default, due, Zone("Pacific/Auckland"), new DateOnly(2027, 3, 28), new DateOnly(2027, 4, 8));
        var losAngeles = Run(Default, due, Zone("America/Los_Angeles"), new DateOnly(2027, 3, 28), new DateOnly(2027, 4, 8));

        Assert.Equal(new DateTimeOffset(2027, 4, 1, 20, 5, 0, TimeSpan.Zero), auckland.Single(s => s.Step == "owner-3").FirstUtc); // Friday 09:05 NZDT (+13)
        Assert.Equal(new DateTimeOffset(2027, 4, 4, 21, 5, 0, TimeSpan.Zero), auckland.Single(s => s.Step == "owner+0").FirstUtc); // Monday 09:05 NZST (+12)
        Assert.Equal(new DateTimeOffset(2027, 4, 2, 16, 5, 0, TimeSpan.Zero), losAngeles.Single(s => s.Step == "owner-3").FirstUtc); // 09:05 PDT (-7)
        Assert.Equal(new DateTimeOffset(2027, 4, 5, 16, 5, 0, TimeSpan.Zero), losAngeles.Single(s => s.Step == "owner+0").FirstUtc);
    }

    [Theory]
    [InlineData("Europe/Berlin", "2027-03-29", "2027-03-26T08:05:00Z", "2027-03-29T07:05:00Z")]   // summer time from Sunday 28 March
    [InlineData("Europe/Berlin", "2027-11-01", "2027-10-29T07:05:00Z", "2027-11-01T08:05:00Z")]   // winter time from Sunday 31 October
    [InlineData("America/New_York", "2027-03-15", "2027-03-12T14:05:00Z", "2027-03-15T13:05:00Z")] // daylight saving from Sunday 14 March
    [InlineData("America/New_York", "2027-11-08", "2027-11-05T13:05:00Z", "2027-11-08T14:05:00Z")] // standard time from Sunday 7 November
    [InlineData("Pacific/Auckland", "2027-09-27", "2027-09-23T21:05:00Z", "2027-09-26T20:05:00Z")] // daylight saving from Sunday 26 September
    public void StepDue_AcrossADaylightSavingChange_StaysAtNineLocal(string zone, string due, string threeDaysBefore, string dueDay)
    {
        var dueDate = DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture);

        var sends = Run(Default, dueDate, Zone(zone), dueDate.AddDays(-7), dueDate.AddDays(1));

        Assert.Equal(DateTimeOffset.Parse(threeDaysBefore, System.Globalization.CultureInfo.InvariantCulture), sends.Single(s => s.Step == "owner-3").FirstUtc);
        Assert.Equal(DateTimeOffset.Parse(dueDay, System.Globalization.CultureInfo.InvariantCulture), sends.Single(s => s.Step == "owner+0").FirstUtc);
    }

    [Fact]
    public void StepDue_OnTheNightOfTheChange_LocalDatesAndHoursStayRight()
    {
        var allWeek = Enum.GetValues<DayOfWeek>();
        var nights = new ChaseLadder(new ChaserOptions { WorkingDays = [.. allWeek], QuietHoursStart = new TimeOnly(3, 30), QuietHoursEnd = new TimeOnly(1, 30) });
        var always = new ChaseLadder(new ChaserOptions { WorkingDays = [.. allWeek], QuietHoursStart = TimeOnly.MinValue, QuietHoursEnd = TimeOnly.MinValue });
        var berlin = Zone("Europe/Berlin");
        var due = new DateOnly(2027, 3, 28); // at 02:00 CET the clocks go to 03:00 CEST

        Assert.Null(nights.StepDue(due, ChaseTarget.Owner, berlin, new DateTimeOffset(2027, 3, 28, 0, 5, 0, TimeSpan.Zero))); // 01:05 CET: quiet
        Assert.Equal("owner+0", nights.StepDue(due, ChaseTarget.Owner, berlin, new DateTimeOffset(2027, 3, 28, 1, 5, 0, TimeSpan.Zero))?.Name); // 03:05 CEST
        Assert.Null(nights.StepDue(due, ChaseTarget.Owner, berlin, new DateTimeOffset(2027, 3, 28, 1, 35, 0, TimeSpan.Zero))); // 03:35 CEST: quiet again
        Assert.Null(always.StepDue(due, ChaseTarget.Owner, berlin, new DateTimeOffset(2027, 3, 27, 22, 59, 0, TimeSpan.Zero))); // 23:59 on the 27th
        Assert.Equal("owner+0", always.StepDue(due, ChaseTarget.Owner, berlin, new DateTimeOffset(2027, 3, 27, 23, 5, 0, TimeSpan.Zero))?.Name); // 00:05 on the 28th
    }

    [Fact]
    public void DueDatesInPlayAndMayBeDue_CoverEveryStepTheLadderSends()
    {
        var zones = new[] { "Pacific/Kiritimati", "Pacific/Auckland", "Asia/Kolkata", "Europe/Berlin", "America/Los_Angeles", "Pacific/Pago_Pago" }.Select(Zone).ToList();
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 1, 1, 0, 5, 0, TimeSpan.Zero));
        var hits = 0;
        while (time.GetUtcNow() < new DateTimeOffset(2027, 1, 20, 0, 0, 0, TimeSpan.Zero))
        {
            var now = time.GetUtcNow();
            var (from, to) = Default.DueDatesInPlay(now);
            for (var due = new DateOnly(2026, 12, 10); due < new DateOnly(2027, 2, 10); due = due.AddDays(1))
            {
                foreach (var target in Enum.GetValues<ChaseTarget>())
                {
                    if (zones.Any(z => Default.StepDue(due, target, z, now) is not null))
                    {
                        hits++;
                        Assert.InRange(due, from, to);
                        Assert.True(Default.MayBeDue(due, target, now));
                    }
                }
            }

            time.Advance(TimeSpan.FromHours(1));
        }

        Assert.True(hits > 100);
    }

    [Fact]
    public void ZoneOf_UnsetOrUnknownZones_FallBackToTheCompanyZone()
    {
        var ladder = new ChaseLadder(new ChaserOptions { CompanyTimeZone = "Europe/Berlin" });

        Assert.Equal("Europe/Berlin", ladder.ZoneOf(null).Id);
        Assert.Equal("Europe/Berlin", ladder.ZoneOf("").Id);
        Assert.Equal("Europe/Berlin", ladder.ZoneOf("UTC").Id); // the register's default: never told
        Assert.Equal("Europe/Berlin", ladder.ZoneOf("Mars/Olympus_Mons").Id);
        Assert.Equal("Etc/UTC", ladder.ZoneOf("Etc/UTC").Id);
        Assert.Equal("America/New_York", ladder.ZoneOf("America/New_York").Id);
    }

    [Fact]
    public void ForReviews_KeepsTheRemindersUpToTheDueDayAndEscalatesToTheManagerOnIt()
    {
        Assert.Equal(["owner-3", "owner+0", "manager+0"], Default.ForReviews().Steps.Select(s => s.Name));
        Assert.Equal(["owner-5"], new ChaseLadder(new ChaserOptions { Ladder = [new(-5, ChaseTarget.Owner), new(3, ChaseTarget.ComplianceLead)] }).ForReviews().Steps.Select(s => s.Name));
    }

    [Fact]
    public void Options_BoundFromConfiguration_ReplaceTheDefaultsRatherThanAddingToThem()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["Chaser:Ladder:0:OffsetDays"] = "-1",
            ["Chaser:Ladder:0:Target"] = "Owner",
            ["Chaser:Ladder:1:OffsetDays"] = "7",
            ["Chaser:Ladder:1:Target"] = "ComplianceLead",
            ["Chaser:WorkingDays:0"] = "Sunday",
            ["Chaser:WorkingDays:1"] = "Monday",
            ["Chaser:QuietHoursStart"] = "20:30",
            ["Chaser:QuietHoursEnd"] = "07:00",
            ["Chaser:CompanyTimeZone"] = "Asia/Tokyo",
        });

        Assert.Equal(["owner-1", "compliancelead+7"], options.EffectiveLadder().Select(s => s.Name));
        Assert.Equal([DayOfWeek.Sunday, DayOfWeek.Monday], options.EffectiveWorkingDays());
        Assert.Equal((new TimeOnly(20, 30), new TimeOnly(7, 0)), (options.QuietHoursStart, options.QuietHoursEnd));
        Assert.Equal("5 * * * *", options.ChaseCron);
        Assert.Equal(ChaserOptions.DefaultLadder, Bind([]).EffectiveLadder());
    }

    [Theory]
    [InlineData("Chaser:CompanyTimeZone", "Europe/Atlantis", "Chaser:CompanyTimeZone")]
    [InlineData("Chaser:Ladder:0:OffsetDays", "400", "Chaser:Ladder")]
    [InlineData("Chaser:ChaseCron", "", "ChaseCron")]
    public void Options_Invalid_FailWithTheSettingsName(string key, string value, string named)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?> { [key] = value, ["Chaser:Ladder:0:Target"] = "Owner" }));

        Assert.Contains(named, string.Join(" ", failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_TheSameStepTwice_IsRefused()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new Dictionary<string, string?>
        {
            ["Chaser:Ladder:0:OffsetDays"] = "5",
            ["Chaser:Ladder:0:Target"] = "Manager",
            ["Chaser:Ladder:1:OffsetDays"] = "5",
            ["Chaser:Ladder:1:Target"] = "Manager",
        }));

        Assert.Contains("manager+5 twice", string.Join(" ", failure.Failures), StringComparison.Ordinal);
    }

    private static ChaserOptions Bind(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOptions<ChaserOptions>().BindConfiguration(ChaserOptions.SectionName).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ChaserOptions>>().Value;
    }

    private sealed record Send(string Step, ChaseTarget Target, DateTimeOffset FirstUtc, string FirstLocal, HashSet<DateOnly> Days);

    /// <summary>Runs the ladder at five past every hour (UTC) from <paramref name="from"/> to <paramref name="to"/> for a person in <paramref name="zone"/>.</summary>
    private static List<Send> Run(ChaseLadder ladder, DateOnly due, TimeZoneInfo zone, DateOnly from, DateOnly to)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(from.ToDateTime(new TimeOnly(0, 5)), TimeSpan.Zero));
        var end = new DateTimeOffset(to.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        List<Send> sends = [];
        while (time.GetUtcNow() < end)
        {
            var now = time.GetUtcNow();
            foreach (var target in Enum.GetValues<ChaseTarget>())
            {
                if (ladder.StepDue(due, target, zone, now) is { } step)
                {
                    var send = sends.SingleOrDefault(s => s.Step == step.Name);
                    if (send is null)
                    {
                        sends.Add(send = new Send(step.Name, target, now, TimeZoneInfo.ConvertTime(now, zone).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), []));
                    }

                    send.Days.Add(ChaseLadder.LocalDate(now, zone));
                }
            }

            time.Advance(TimeSpan.FromHours(1));
        }

        return sends;
    }
}
