using System.Text.Json;
using System.Text.RegularExpressions;
using ChatCompliance.Core.Reviews;
using ChatCompliance.Integrations.Teams;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;

namespace ChatCompliance.Integrations.Graph;

/// <summary>
/// Installs the bot for a user through Microsoft Graph (<c>POST /users/{id}/teamwork/installedApps</c>; 409, already
/// installed, is fine), finds that installation (<c>$filter=teamsApp/id eq '{catalog id}'</c>) and reads its 1:1 chat
/// (<c>…/installedApps/{installation}/chat</c>). Throttling and Retry-After are the Graph client's retry handler's
/// (<see cref="GraphExtensions.CreateHandlers"/>). Every id Graph returns is checked before it is used: an answer that
/// does not name this app, or a chat id that is not one, fails closed.
/// </summary>
internal sealed partial class TeamsAppInstaller : ITeamsAppInstaller
{
    private const string Permission = "TeamsAppInstallation.ReadWriteForUser.All";
    private const int MaxInstallationIdLength = 1024;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly GraphTokenProvider _tokens;
    private readonly BaseBearerTokenAuthenticationProvider _authentication;
    private readonly GraphOptions _graph;
    private readonly TeamsOptions _teams;
    private readonly ILogger<TeamsAppInstaller> _logger;

    public TeamsAppInstaller(IHttpClientFactory httpClientFactory, GraphTokenProvider tokens, IOptions<GraphOptions> graph, IOptions<TeamsOptions> teams, ILogger<TeamsAppInstaller> logger)
    {
        _httpClientFactory = httpClientFactory;
        _tokens = tokens;
        _authentication = new BaseBearerTokenAuthenticationProvider(tokens);
        _graph = graph.Value;
        _teams = teams.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public async Task<InstalledChat> OpenPersonalChatAsync(string userObjectId, CancellationToken cancellationToken = default)
    {
        if (!_teams.CanInstallForPeople || !_graph.IsConfigured)
        {
            throw new DirectoryException(
                DirectoryProblem.NotConfigured,
                "ChatCompliance can't install itself in Teams for people who haven't opened it: set Teams:CatalogAppId (the app's id in the Teams app catalog) "
                + $"and Graph:TenantId, Graph:ClientId and Graph:ClientSecret, and grant the Microsoft Graph application permission {Permission}.");
        }

        if (!Guid.TryParse(userObjectId, out var user))
        {
            throw new DirectoryException(DirectoryProblem.NotFound, $"'{userObjectId}' is not an Entra ID object id, so ChatCompliance can't install itself in Teams for them.");
        }

        var userId = user.ToString("D");
        var catalogId = _teams.CatalogAppId!.Trim();
        using var client = new GraphServiceClient(_httpClientFactory.CreateClient(GraphAccessDirectory.HttpClientName), _authentication, _graph.BaseUrl.TrimEnd('/'));
        var notInCatalog = $"The Teams app {catalogId} (Teams:CatalogAppId) isn't in the organisation's app catalog, or the user {userId} isn't in Entra ID: "
            + "publish the app to the catalog (Teams admin center) and check Teams:CatalogAppId.";

        var install = new GraphOperation($"install its Teams app for the user {userId}", Permission, notInCatalog);
        var installed = await CallAsync(install, async () =>
        {
            try
            {
                await client.Users[userId].Teamwork.InstalledApps.PostAsync(
                    new UserScopeTeamsAppInstallation
                    {
                        AdditionalData = new Dictionary<string, object> { ["teamsApp@odata.bind"] = $"{_graph.BaseUrl.TrimEnd('/')}/appCatalogs/teamsApps/{catalogId}" },
                    },
                    cancellationToken: cancellationToken);
                return true;
            }
            catch (Exception e) when (GraphErrors.Status(e) == 409)
            {
                return false; // already installed for them
            }
        });

        var find = new GraphOperation($"read the Teams apps installed for the user {userId}", Permission, notInCatalog);
        var installations = await CallAsync(find, () => client.Users[userId].Teamwork.InstalledApps.GetAsync(
            r =>
            {
                r.QueryParameters.Expand = ["teamsApp"];
                r.QueryParameters.Filter = $"teamsApp/id eq '{catalogId}'";
            },
            cancellationToken));
        var installation = installations?.Value?.FirstOrDefault(i => string.Equals(i.TeamsApp?.Id, catalogId, StringComparison.OrdinalIgnoreCase));
        if (installation?.Id is not { } installationId || !IsSafeId(installationId))
        {
            throw Malformed($"the user {userId}", "no installation of this app with a usable id");
        }

        var chat = new GraphOperation($"read its Teams chat with the user {userId}", Permission, notInCatalog);
        var opened = await CallAsync(chat, () => client.Users[userId].Teamwork.InstalledApps[installationId].Chat.GetAsync(cancellationToken: cancellationToken));
        if (opened?.Id is not { } chatId || !ChatIdPattern().IsMatch(chatId))
        {
            throw Malformed($"the user {userId}", "a 1:1 chat without a valid chat id");
        }

        Log.AppInstalled(_logger, userId, installed);
        return new InstalledChat(chatId, _teams.MicrosoftAppTenantId is { Length: > 0 } tenant ? tenant : _graph.TenantId!);
    }

    private async Task<T> CallAsync<T>(GraphOperation operation, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (GraphErrors.Translate(e, operation, _graph.MaxRetries) is { } translated)
        {
            throw GraphErrors.Report(e, operation, translated, _tokens, _logger);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidCastException)
        {
            throw Malformed(operation.Action, "an answer that could not be read", e);
        }
    }

    private DirectoryException Malformed(string what, string answer, Exception? inner = null)
    {
        Log.MalformedAnswer(_logger, what, answer);
        return new DirectoryException(
            DirectoryProblem.Unavailable,
            $"Microsoft Graph answered with {answer} when ChatCompliance opened its Teams chat ({what}); nothing was stored and it will be tried again later.",
            inner);
    }

    /// <summary>Graph's installation ids are opaque (base64): a path segment, but never whitespace or control characters.</summary>
    private static bool IsSafeId(string id) =>
        id.Length is > 0 and <= MaxInstallationIdLength && !id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    /// <summary>A Teams chat id as Graph gives it: <c>19:{…}@unq.gbl.spaces</c> for a 1:1, <c>19:…@thread.v2</c> otherwise.</summary>
    [GeneratedRegex(@"\A19:[A-Za-z0-9._:@-]{1,250}\z", RegexOptions.CultureInvariant)]
    private static partial Regex ChatIdPattern();
}
