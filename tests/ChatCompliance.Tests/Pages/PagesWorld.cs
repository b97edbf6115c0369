using System.Net;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace ChatCompliance.Tests.Pages;

/// <summary>
/// The app with the pages on a SQLite store, WireMock as the Teams connector and the Slack Web API, and a small programme:
/// an owner with a task whose card was posted in Teams and in Slack, someone else's task, a reviewer with two accounts
/// in a running campaign, a lead, and a person nobody made a lead.
/// </summary>
internal sealed partial class PagesWorld : IAsyncDisposable
{
    public const string OwnerEmail = "olivia@example.com";
    public const string ReviewerEmail = "rita@example.com";
    public const string LeadEmail = "lee@example.com";
    public const string OtherEmail = "oscar@example.com";
    public const string TeamsMessage = "teams-activity-1";
    public const string SlackTs = "1700000000.000100";

    private readonly string _data;

    private PagesWorld(BotFrameworkFakes teams, WireMockServer slack, ComplianceApp app, string data)
    {
        _data = data;
        Teams = teams;
        Slack = slack;
        App = app;
    }

    public BotFrameworkFakes Teams { get; }

    public WireMockServer Slack { get; }

    public ComplianceApp App { get; }

    public Guid OwnerTask { get; private set; }

    public Guid OtherTask { get; private set; }

    public Guid Campaign { get; private set; }

    /// <summary>The Kestrel address when started with <c>kestrel: true</c>.</summary>
    public string? Address { get; private set; }

    public static async Task<PagesWorld> StartAsync(bool kestrel = false, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var teams = new BotFrameworkFakes();
        var slack = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{FreePort()}"] });
        slack.Given(Request.Create().WithPath("/api/*").UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"ok":true,"message_ts":"1700000000.000200","channel":"DOWNER","ts":"{{SlackTs}}"}"""));
        var settings = teams.Settings();
        settings["SLACK_BOT_TOKEN"] = "test-bot-token";
        settings["SLACK_SIGNING_SECRET"] = "test-signing-secret";
        settings["Slack:ApiBaseUrl"] = $"{slack.Urls[0]}/api/";
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var data = Directory.CreateTempSubdirectory("cc-pages-").FullName;
        settings["Storage:DataDirectory"] = data;
        var app = new ComplianceApp(settings);
        var world = new PagesWorld(teams, slack, app, data);
        if (kestrel)
        {
            app.UseKestrel(0);
            app.StartServer();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            world.Address = addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        }
        else
        {
            _ = app.Server;
        }

        await world.SeedAsync();
        return world;
    }

    private async Task SeedAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var now = DateTimeOffset.UtcNow;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var owner = Person(OwnerEmail, "Olivia Owner", PersonRoles.Employee | PersonRoles.ControlOwner);
        var reviewer = Person(ReviewerEmail, "Rita Reviewer", PersonRoles.Employee | PersonRoles.Reviewer);
        var lead = Person(LeadEmail, "Lee Lead", PersonRoles.Employee | PersonRoles.ComplianceLead);
        var other = Person(OtherEmail, "Oscar Other", PersonRoles.Employee | PersonRoles.ControlOwner);
        lead.EntraObjectId = "00000000-0000-0000-0000-00000000000a";
        db.People.AddRange(owner, reviewer, lead, other);
        var access = new Control { Code = "AC-01", Title = "Quarterly access review", Soc2Refs = ["CC6.2"], Iso27001Refs = ["A.5.18"], Frequency = EvidenceFrequency.Quarterly, CreatedAt = now };
        var backup = new Control { Code = "OPS-02", Title = "Backup restore test", Soc2Refs = ["A1.2"], Iso27001Refs = ["A.8.13"], Frequency = EvidenceFrequency.Annual, CreatedAt = now };
        var policy = new Control { Code = "GOV-01", Title = "Security policy approval", Soc2Refs = ["CC1.1"], Iso27001Refs = ["A.5.1"], Frequency = EvidenceFrequency.Annual, CreatedAt = now };
        db.Controls.AddRange(access, backup, policy);
        var ownerTask = new EvidenceTask { ControlId = access.Id, Title = "Q4 access review", OwnerId = owner.Id, DueDate = today.AddDays(5), CreatedBy = "system", CreatedAt = now.AddDays(-40), UpdatedAt = now };
        var lateTask = new EvidenceTask { ControlId = access.Id, Title = "Q3 access review", OwnerId = owner.Id, DueDate = today.AddDays(-20), CreatedBy = "system", CreatedAt = now.AddDays(-60), UpdatedAt = now };
        var otherTask = new EvidenceTask { ControlId = backup.Id, Title = "Backup restore test 2026", OwnerId = other.Id, DueDate = today.AddDays(30), CreatedBy = "system", CreatedAt = now, UpdatedAt = now };
        db.EvidenceTasks.AddRange(ownerTask, lateTask, otherTask,
            new EvidenceTask { ControlId = policy.Id, Title = "Policy approval 2026", OwnerId = other.Id, DueDate = today.AddDays(-100), Status = EvidenceTaskStatus.Accepted, SubmittedAt = now.AddDays(-101), DecidedAt = now.AddDays(-100), CreatedBy = "system", CreatedAt = now.AddDays(-120), UpdatedAt = now });
        var campaign = new AccessReviewCampaign
        {
            Name = "Finance app Q4 review",
            ResourceKind = ReviewResourceKind.CsvAccounts,
            ResourceId = "finance-app",
            ReviewerRule = ReviewerRule.NamedPeople,
            NamedReviewers = ReviewerEmail,
            PeriodStart = today.AddDays(-90),
            PeriodEnd = today,
            DueDate = today.AddDays(10),
            Status = CampaignStatus.Running,
            CreatedAt = now,
        };
        db.AccessReviewCampaigns.Add(campaign);
        db.AccessReviewItems.AddRange(
            new AccessReviewItem { CampaignId = campaign.Id, SubjectId = "u1", SubjectDisplayName = "Alice Accountant", Access = "Approver", ReviewerId = reviewer.Id },
            new AccessReviewItem { CampaignId = campaign.Id, SubjectId = "u2", SubjectDisplayName = "Bob Bookkeeper", Access = "Viewer", ReviewerId = reviewer.Id, Decision = ReviewDecision.Revoke, Justification = "left", DecidedById = reviewer.Id, DecidedAt = now });
        db.Questions.Add(new Question { Text = "Is SOC 2 a certification?", AskedById = owner.Id, AskedOn = Platform.Teams, AskedAt = now.AddHours(-1), Status = QuestionStatus.AnsweredByLead, Answer = "No: it is an attestation report.", AnsweredAt = now });
        db.Questions.Add(new Question { Text = "Who signs the ISMS scope?", AskedById = other.Id, AskedOn = Platform.Slack, AskedAt = now.AddHours(-2), Status = QuestionStatus.HandedOff, HandedOffAt = now });

        // The owner's task card was posted in their Teams chat and their Slack DM.
        var teamsChat = new ConversationReference { Platform = Platform.Teams, Scope = ConversationScope.Personal, ConversationId = "a:owner-conv", ServiceUrl = Teams.ServiceUrl, TenantId = "tenant-1", BotId = $"28:{BotFrameworkFakes.AppId}", UserId = "29:owner", PersonId = owner.Id, UpdatedAt = now };
        var slackDm = new ConversationReference { Platform = Platform.Slack, Scope = ConversationScope.Personal, ConversationId = "DOWNER", TenantId = "T1", UserId = "UOWNER", PersonId = owner.Id, UpdatedAt = now };
        db.ConversationReferences.AddRange(teamsChat, slackDm);
        foreach (var (conversation, message) in new[] { (teamsChat, TeamsMessage), (slackDm, SlackTs) })
        {
            db.CardMessages.Add(new CardMessage { SubjectType = AuditSubjects.EvidenceTask, SubjectId = AuditSubjects.Id(ownerTask.Id), ConversationReferenceId = conversation.Id, MessageId = message, Audience = CardAudience.Owner, CreatedAt = now });
        }

        await db.SaveChangesAsync();
        (OwnerTask, OtherTask, Campaign) = (ownerTask.Id, otherTask.Id, campaign.Id);
    }

    public async Task<T> ReadAsync<T>(Func<ComplianceDbContext, Task<T>> read)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<ComplianceDbContext>());
    }

    public Task<EvidenceTask> TaskAsync(Guid id) => ReadAsync(db => db.EvidenceTasks.AsNoTracking().SingleAsync(t => t.Id == id));

    /// <summary>A client signed in through the development sign-in, cookies kept.</summary>
    public async Task<HttpClient> SignedInAsync(string email)
    {
        var client = App.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.GetAsync($"/signin/dev?email={Uri.EscapeDataString(email)}");
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"dev sign-in as {email}: {(int)response.StatusCode}");
        }

        return client;
    }

    /// <summary>The anti-forgery token of the page's forms.</summary>
    public static string FormToken(string html) => AntiforgeryField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups["value"].Value) : throw new InvalidOperationException("no anti-forgery field");

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Teams.Dispose();
        Slack.Stop();
        Slack.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Person Person(string email, string name, PersonRoles roles) => new() { Email = email, DisplayName = name, Roles = roles, CreatedAt = DateTimeOffset.UtcNow };

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"__csrf\" type=\"hidden\" value=\"(?<value>[^\"]+)\"|type=\"hidden\" name=\"__csrf\" value=\"(?<value>[^\"]+)\"|name=\"__csrf\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
