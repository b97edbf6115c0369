using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Infrastructure;
using ChatCompliance.Tests.Host;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ChatCompliance.Tests.Pages;

/// <summary>
/// The pages in headless Chromium (the system's <c>/usr/bin/chromium</c>; Playwright never downloads a browser) against
/// the app on a real Kestrel port: an owner, a reviewer and a lead sign in with the development sign-in and use them.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class PagesBrowserTests : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";

    private PagesWorld _world = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _world = await PagesWorld.StartAsync(kestrel: true);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _world.DisposeAsync();
    }

    private async Task<IPage> SignInAsync(string email, string returnUrl = "/my")
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _world.Address });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/signin/dev?email={Uri.EscapeDataString(email)}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        return page;
    }

    [Fact]
    public async Task The_owner_submits_evidence_from_the_page_and_the_teams_and_slack_cards_update()
    {
        var page = await SignInAsync(PagesWorld.OwnerEmail);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My compliance" })).ToBeVisibleAsync();
        var late = page.Locator("li.card", new() { HasText = "Q3 access review" });
        await Assertions.Expect(late.Locator(".badge.overdue")).ToContainTextAsync("Overdue by 20 day(s)");
        var titles = await page.Locator("li.card h3").AllTextContentsAsync();
        Assert.Equal(["Q3 access review", "Q4 access review"], titles);
        await Assertions.Expect(page.GetByText("No: it is an attestation report.")).ToBeVisibleAsync();

        var task = page.Locator("li.card", new() { HasText = "Q4 access review" });
        await task.GetByText("Submit evidence", new() { Exact = true }).First.ClickAsync();
        await task.GetByLabel("Link to the evidence").FillAsync("https://evidence.example.com/ac-01/q4.pdf");
        await task.GetByLabel("Note (optional)").FillAsync("Signed by the CISO");
        await task.GetByRole(AriaRole.Button, new() { Name = "Submit evidence" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("evidence");
        await Assertions.Expect(page.Locator("li.card", new() { HasText = "Q4 access review" })).ToContainTextAsync("Submitted, waiting for the compliance team");
        var stored = await _world.TaskAsync(_world.OwnerTask);
        Assert.Equal((EvidenceTaskStatus.Submitted, "https://evidence.example.com/ac-01/q4.pdf"), (stored.Status, stored.EvidenceUrl));

        // Both posted copies of the owner's card were updated in place (through the outbox, after the page's answer).
        await OutboxWait.DrainedAsync(_world.App.Services);
        Assert.Contains(_world.Teams.Server.LogEntries, e => e.RequestMessage.Method == "PUT"
            && e.RequestMessage.Path == $"/connector/v3/conversations/a:owner-conv/activities/{PagesWorld.TeamsMessage}"
            && e.RequestMessage.Body!.Contains("Submitted", StringComparison.Ordinal));
        Assert.Contains(_world.Slack.LogEntries, e => e.RequestMessage.Path == "/api/chat.update"
            && e.RequestMessage.Body!.Contains(PagesWorld.SlackTs, StringComparison.Ordinal) && e.RequestMessage.Body.Contains("Submitted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_reviewer_revokes_an_account_from_the_page()
    {
        var page = await SignInAsync(PagesWorld.ReviewerEmail);
        var row = page.Locator("tr", new() { HasText = "Alice Accountant" });

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("justification");

        row = page.Locator("tr", new() { HasText = "Alice Accountant" });
        await row.GetByLabel("Justification (needed to revoke)").FillAsync("Moved to sales");
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Alice Accountant");
        await Assertions.Expect(page.GetByText("You have no access reviews waiting for you.")).ToBeVisibleAsync();
        var item = await _world.ReadAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.AccessReviewItems, i => i.SubjectId == "u1"));
        Assert.Equal((ReviewDecision.Revoke, "Moved to sales"), (item.Decision, item.Justification));
    }

    [Fact]
    public async Task The_lead_sees_the_heat_map_the_trend_chart_and_a_campaigns_progress_and_the_page_passes_axe()
    {
        var page = await SignInAsync(PagesWorld.LeadEmail, "/programme");

        await Assertions.Expect(page.Locator("#heatmap-soc2")).ToContainTextAsync("CC6 Logical and physical access");
        await Assertions.Expect(page.Locator("#heatmap-iso")).ToContainTextAsync("A.5 Organizational controls");
        await Assertions.Expect(page.Locator("svg#overdue-trend")).ToHaveAttributeAsync("role", "img");
        Assert.Equal(12, await page.Locator("svg#overdue-trend circle.point").CountAsync());
        var campaign = page.Locator("li.campaign", new() { HasText = "Finance app Q4 review" });
        await Assertions.Expect(campaign).ToContainTextAsync("1 of 2 decided (50%)");
        await Assertions.Expect(campaign).ToContainTextAsync("1 revoked");

        foreach (var theme in new[] { "", "?theme=dark" })
        {
            await page.GotoAsync($"/programme{theme}");
            var results = await page.RunAxe();
            var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
            Assert.True(serious.Count == 0, string.Join("\n", serious));
        }

        await page.GotoAsync("/my");
        var my = await page.RunAxe();
        Assert.Empty(my.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));

        // Each figure links to its list: the overdue total opens the overdue controls.
        await page.GotoAsync("/programme");
        await page.Locator("li.total.overdue a").ClickAsync();
        await Assertions.Expect(page.Locator("#control-list")).ToContainTextAsync("AC-01");
    }

    [Fact]
    public async Task A_stranger_is_refused_and_an_owner_cannot_open_the_programme()
    {
        var stranger = await SignInAsync("nobody@example.com");
        await Assertions.Expect(stranger.GetByRole(AriaRole.Alert)).ToContainTextAsync("Nobody active in the store has that email address");
        await stranger.GotoAsync("/my");
        Assert.Contains("/signin", stranger.Url, StringComparison.Ordinal);

        var owner = await SignInAsync(PagesWorld.OwnerEmail);
        var response = await owner.GotoAsync("/programme");
        Assert.Equal(403, response!.Status);
    }
}
