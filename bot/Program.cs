using ChatCompliance.Bot;
using ChatCompliance.Bot.Api;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Bot.Cli;
using ChatCompliance.Bot.Conversation;
using ChatCompliance.Bot.Edge;
using ChatCompliance.Bot.Health;
using ChatCompliance.Bot.Hosting;
using ChatCompliance.Bot.Slack;
using ChatCompliance.Bot.Teams;
using ChatCompliance.Bot.Web;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Chasing;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using ChatCompliance.Integrations.Graph;
using ChatCompliance.Jobs;
using Microsoft.Extensions.Options;

try
{
    // Verbs (ask, kb check, audit verify …) run and exit; no web host.
    if (CommandLine.IsVerb(args))
    {
        return await CommandLine.RunAsync(args);
    }

    var builder = WebApplication.CreateBuilder(args).UseSettingsBesideProgram();

    // Port 3978 unless ASPNETCORE_URLS, DOTNET_URLS, --urls (or another ASP.NET Core address setting) says otherwise.
    builder.UseDefaultAddressUnlessGiven();

    // Kestrel runs each request on the thread that read it instead of handing it to the thread pool first: on a small
    // machine that hop cost more CPU than answering a question (benchmarks/README.md). Safe here because nothing on the
    // request path blocks for long (answers take microseconds, writes are batched in the background, calls out are
    // asynchronous); Server:InlineScheduling=false turns it off.
    builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = builder.Configuration.GetValue("Server:InlineScheduling", true));

    // The store, audit trail, knowledge base, workflows, chat platforms, directory and jobs (shared with `jobs run`).
    builder.AddComplianceServices();

    // Forwarded headers only from the proxies in ForwardedHeaders:KnownProxies / KnownNetworks (none by default).
    builder.AddProxyHeaders();

    // The keys behind the dashboard's sign-in cookie, kept under the data directory.
    builder.AddDataProtectionKeys();

    // The admin REST API under /api/v1: Entra ID tokens or API keys, roles, ProblemDetails, OpenAPI.
    builder.AddAdminApi();

    // The My compliance and Programme pages: Razor Pages, Entra ID / Teams SSO sign-in (development sign-in in local mode).
    builder.AddPages();

    var app = builder.Build();

    // Create or migrate the store before anything touches it.
    await app.PrepareStoreAsync();

    app.UseForwardedHeaders();
    app.UsePages();
    app.UseAdminApi();

    app.MapHealthEndpoints();
    app.MapTeamsEndpoints();
    app.MapSlackEndpoints();
    app.MapJobsDashboard(AdminPolicies.Lead);
    app.MapDashboardLogin();
    app.MapAdminApi();
    app.MapPages();

    await app.RunAsync();
    return 0;
}
catch (StorageStartupException e)
{
    // One clear line naming the setting, not a stack trace.
    await Console.Error.WriteLineAsync($"fail: ChatCompliance cannot start: {e.Message}");
    return 1;
}
catch (OptionsValidationException e)
{
    await Console.Error.WriteLineAsync($"fail: ChatCompliance cannot start: {string.Join(" ", e.Failures)}");
    return 1;
}

/// <summary>The web host's entry point; public so tests can start it with WebApplicationFactory.</summary>
public partial class Program;
