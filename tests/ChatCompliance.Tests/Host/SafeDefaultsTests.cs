using System.Net;
using System.Text.Json;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Domain;
using ChatCompliance.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Tests.Host;

/// <summary>What a deployment gets without configuring anything: a closed dashboard, untrusted forwarded headers, a terse /healthz.</summary>
[Collection(AppCollection.Name)]
public sealed class SafeDefaultsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("cc-defaults-").FullName;

    [Fact]
    public async Task Dashboard_refuses_an_unauthenticated_request_from_this_machine_even_in_development()
    {
        await using var app = new ComplianceApp(
            new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data, ["environment"] = "Development" },
            services => services.AddSingleton<IStartupFilter>(new FromLoopback()));
        using var client = app.CreateClient();

        var response = await client.GetAsync(new Uri("/hangfire", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Development", app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().EnvironmentName);
    }

    [Fact]
    public async Task Dashboard_opens_in_a_browser_after_logging_in_with_an_admin_key_and_not_with_a_bad_one()
    {
        await using var app = ComplianceApp.OnSqlite(_data);
        using var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true, AllowAutoRedirect = false });
        string admin;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            admin = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync("ops", ApiKeyRole.Admin, "test", new ChatCompliance.Core.Tasks.TaskActor(null, ChatCompliance.Core.Domain.Platform.Cli, "test"))).Token;
        }

        var bad = await browser.PostAsync(new Uri("/hangfire-login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = admin[..^4] + "AAAA" }));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/hangfire", UriKind.Relative))).StatusCode);

        var login = await browser.PostAsync(new Uri("/hangfire-login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = admin }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/hangfire", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/hangfire", UriKind.Relative))).StatusCode);
        // The cookie opens the dashboard only, never the admin API.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(new Uri("/api/v1/controls", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Healthz_shows_anyone_the_status_only_and_an_admin_the_details()
    {
        await using var app = ComplianceApp.OnSqlite(_data);
        await BootChecks.WaitForHealthyAsync(app);
        using var anonymous = app.CreateClient();

        var response = await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["status"], body.EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain(_data, text, StringComparison.Ordinal);
        Assert.DoesNotContain("sqlite", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Forwarded_headers_from_an_unknown_proxy_are_ignored_and_from_a_configured_one_honoured()
    {
        await using var unconfigured = ComplianceApp.OnSqlite(_data);
        var fromUnknown = await ForwardAsync(unconfigured, "10.0.0.5");
        Assert.Equal(("10.0.0.5", "http"), fromUnknown);
        var fromLoopback = await ForwardAsync(unconfigured, "127.0.0.1");
        Assert.Equal(("127.0.0.1", "http"), fromLoopback);

        await using var configured = new ComplianceApp(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _data,
            ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/24",
        });
        Assert.Equal(("203.0.113.9", "https"), await ForwardAsync(configured, "10.0.0.5"));
        Assert.Equal(("10.9.9.9", "http"), await ForwardAsync(configured, "10.9.9.9"));
    }

    /// <summary>Runs the app's forwarded-headers settings over a request from <paramref name="peer"/> claiming to be 203.0.113.9 over https.</summary>
    private static async Task<(string Address, string Scheme)> ForwardAsync(ComplianceApp app, string peer)
    {
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>();
        var seen = ("", "");
        var middleware = new ForwardedHeadersMiddleware(context =>
        {
            seen = (context.Connection.RemoteIpAddress!.ToString(), context.Request.Scheme);
            return Task.CompletedTask;
        }, NullLoggerFactory.Instance, options);
        var request = new DefaultHttpContext();
        request.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        request.Request.Scheme = "http";
        request.Request.Headers["X-Forwarded-For"] = "203.0.113.9";
        request.Request.Headers["X-Forwarded-Proto"] = "https";
        await middleware.Invoke(request);
        return seen;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    /// <summary>Makes every test request come from 127.0.0.1, as a browser on the server itself would.</summary>
    private sealed class FromLoopback : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Loopback;
                context.Connection.LocalIpAddress = IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
