using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.CheckMemberGroups;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Abstractions.Serialization;

namespace ChatCompliance.Integrations.Graph;

/// <summary>
/// The access directory on Microsoft Graph (application permissions, client credentials). Pages are followed
/// through <c>@odata.nextLink</c>; only the needed fields are selected. A population's members are read as plain JSON
/// (<see cref="GraphJsonClient"/>), and the per-user facts (sign-in, manager through <c>$expand</c>, guests' sponsors)
/// 20 requests to a <c>$batch</c>, <see cref="GraphOptions.MaxConcurrency"/> batches at once.
/// App role assignments to a group are expanded into the group's transitive users, each with the Access text
/// "app role X through group G" and no assignment id (removing one of them means removing them from that group);
/// assignments to service principals are skipped (they are not people).
/// </summary>
internal sealed class GraphAccessDirectory : IAccessDirectory
{
    /// <summary>The named <see cref="HttpClient"/> carrying the Graph SDK's handlers.</summary>
    public const string HttpClientName = "ChatCompliance.Graph";

    private static readonly string[] UserFields = ["id", "displayName", "mail", "userPrincipalName", "accountEnabled", "userType"];
    private static readonly string[] UserFieldsWithSignIns = [.. UserFields, "signInActivity"];
    private static readonly string[] SignInFields = ["id", "signInActivity"];
    private static readonly string[] ContactFields = ["id", "mail", "userPrincipalName"];
    private static readonly string[] NameFields = ["id", "displayName"];
    private const int PageSize = 999;

    /// <summary>The groups one <c>groups/delta</c> query may filter by id.</summary>
    private const int DeltaFilterLimit = 50;
    private const int ManagerCacheSweepAt = 10_000;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly GraphTokenProvider _tokens;
    private readonly BaseBearerTokenAuthenticationProvider _authentication;
    private readonly GraphOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<GraphAccessDirectory> _logger;
    private readonly ConcurrentDictionary<string, CachedManager> _managers = new(StringComparer.OrdinalIgnoreCase);

    public GraphAccessDirectory(IHttpClientFactory httpClientFactory, GraphTokenProvider tokens, IOptions<GraphOptions> options, TimeProvider time, ILogger<GraphAccessDirectory> logger)
    {
        _httpClientFactory = httpClientFactory;
        _tokens = tokens;
        _authentication = new BaseBearerTokenAuthenticationProvider(tokens);
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public bool IsConfigured => true;

    /// <inheritdoc />
    public async Task<DirectoryResource> ReadResourceAsync(ReviewResourceKind kind, string resourceId, CancellationToken cancellationToken = default)
    {
        using var client = CreateClient();
        switch (kind)
        {
            case ReviewResourceKind.EntraGroup:
            {
                var group = await ReadGroupAsync(client, resourceId, cancellationToken);
                var name = group.DisplayName ?? resourceId;
                var owners = await ReadAllAsync<User, UserCollectionResponse>(
                    client,
                    new GraphOperation($"read the owners of group {name}", "GroupMember.Read.All", GroupGone(resourceId)),
                    () => client.Groups[resourceId].Owners.GraphUser.GetAsync(r => r.QueryParameters.Select = ContactFields, cancellationToken),
                    cancellationToken);
                return new DirectoryResource(group.Id ?? resourceId, name, EmailsOf(owners));
            }

            case ReviewResourceKind.EnterpriseApplication:
            {
                var app = await ReadApplicationAsync(client, resourceId, NameFields, cancellationToken);
                var name = app.DisplayName ?? resourceId;
                var owners = await ReadAllAsync<User, UserCollectionResponse>(
                    client,
                    new GraphOperation($"read the owners of the enterprise application {name}", "Application.Read.All", ApplicationGone(resourceId)),
                    () => client.ServicePrincipals[resourceId].Owners.GraphUser.GetAsync(r => r.QueryParameters.Select = ContactFields, cancellationToken),
                    cancellationToken);
                return new DirectoryResource(app.Id ?? resourceId, name, EmailsOf(owners));
            }

            default:
                throw NotInGraph(kind);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DirectoryAccount>> ReadPopulationAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        using var client = CreateClient();
        var json = CreateJsonClient();
        var grants = kind switch
        {
            ReviewResourceKind.EntraGroup => await ReadGroupGrantsAsync(json, resourceId, (await ReadGroupAsync(client, resourceId, cancellationToken)).DisplayName ?? resourceId, cancellationToken),
            ReviewResourceKind.EnterpriseApplication => await ReadApplicationGrantsAsync(client, json, resourceId, cancellationToken),
            _ => throw NotInGraph(kind),
        };

        return (await ReadAccountsAsync(json, grants, includeManagers, kind, resourceId, started, cancellationToken)).Accounts;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Groups only, through <c>groups/delta</c> filtered to the group and the groups nested in it (the delta query tracks
    /// direct members; the transitive users follow from the nesting). Graph has no delta query for a service principal's
    /// app role assignments (<c>servicePrincipals/delta</c> tracks the service principal's own properties, not
    /// <c>appRoleAssignedTo</c>), so an enterprise application is read in full every period. The user facts (name,
    /// enabled, guest, sponsor, sign-ins, manager) are read again for every member through <c>$batch</c>: users/delta is
    /// tenant-wide, and sign-in activity, which changes daily, isn't tracked by it.
    /// </remarks>
    public async Task<TrackedPopulation> ReadPopulationSinceAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, DeltaState? since, CancellationToken cancellationToken = default)
    {
        if (kind != ReviewResourceKind.EntraGroup)
        {
            return new TrackedPopulation(await ReadPopulationAsync(kind, resourceId, includeManagers, cancellationToken), null, FromChanges: false);
        }

        var started = Stopwatch.GetTimestamp();
        using var client = CreateClient();
        var json = CreateJsonClient();
        var name = (await ReadGroupAsync(client, resourceId, cancellationToken)).DisplayName ?? resourceId;
        if (since is not null)
        {
            try
            {
                var (membership, link, added, removed) = await ApplyChangesAsync(json, resourceId, since, cancellationToken);
                var (accounts, unread) = await ReadAccountsAsync(json, GrantsOf(membership, name), includeManagers, kind, resourceId, started, cancellationToken);
                if (unread > 0)
                {
                    throw new DeltaDoubtException($"{unread} member(s) the changes kept are gone from Entra ID");
                }

                Log.PopulationFromChanges(_logger, resourceId, accounts.Count, added, removed);
                return new TrackedPopulation(accounts, new DeltaState(link, membership.ToJson()), FromChanges: true);
            }
            catch (Exception e) when (e is DeltaDoubtException or DirectoryException && !cancellationToken.IsCancellationRequested)
            {
                Log.ChangesNotUsed(_logger, resourceId, Why(e));
            }
        }

        var grants = await ReadGroupGrantsAsync(json, resourceId, name, cancellationToken);
        var (full, _) = await ReadAccountsAsync(json, grants, includeManagers, kind, resourceId, started, cancellationToken);
        return new TrackedPopulation(full, await StartTrackingAsync(json, resourceId, name, grants, cancellationToken), FromChanges: false);
    }

    /// <inheritdoc />
    public async Task<DeltaState?> AdvanceDeltaAsync(ReviewResourceKind kind, string resourceId, DeltaState since, CancellationToken cancellationToken = default)
    {
        if (kind != ReviewResourceKind.EntraGroup)
        {
            return null;
        }

        try
        {
            var (membership, link, added, removed) = await ApplyChangesAsync(CreateJsonClient(), resourceId, since, cancellationToken);
            Log.ChangesAdvanced(_logger, resourceId, added, removed);
            return new DeltaState(link, membership.ToJson());
        }
        catch (Exception e) when (e is DeltaDoubtException or DirectoryException && !cancellationToken.IsCancellationRequested)
        {
            Log.ChangesNotUsed(_logger, resourceId, Why(e));
            return null;
        }
    }

    /// <summary>The kept membership with the changes since its link applied, the link to the next changes, and the users added and removed.</summary>
    private async Task<(GroupMembership Membership, string Link, int Added, int Removed)> ApplyChangesAsync(GraphJsonClient json, string groupId, DeltaState since, CancellationToken cancellationToken)
    {
        var membership = GroupMembership.Parse(since.Membership, groupId);
        if (!json.IsUnderRoot(since.Link))
        {
            throw new DeltaDoubtException("the kept delta link isn't under Graph:BaseUrl");
        }

        var before = membership.Users();
        var operation = DeltaOperation(groupId);
        var link = await CallAsync(operation, () => json.ReadDeltaRoundAsync(since.Link, operation, item => membership.Apply(item), cancellationToken), cancellationToken);
        var after = membership.Users();
        return (membership, link, after.Except(before).Count(), before.Except(after).Count());
    }

    /// <summary>
    /// Starts tracking a group's membership after its full read: the groups nested in it, then a first delta round over
    /// all of them (up to <see cref="DeltaFilterLimit"/>, what one delta query filters). Kept only when that round gives
    /// exactly the full read's accounts; null otherwise, and the next period reads in full again.
    /// </summary>
    private async Task<DeltaState?> StartTrackingAsync(GraphJsonClient json, string groupId, string name, List<Grant> grants, CancellationToken cancellationToken)
    {
        var operation = DeltaOperation(groupId);
        try
        {
            var nested = new List<string>();
            await CallAsync(
                operation,
                async () =>
                {
                    await foreach (var item in json.ReadPagesAsync($"groups/{Uri.EscapeDataString(groupId)}/transitiveMembers/graph.group?$select=id&$top={PageSize}", operation, cancellationToken))
                    {
                        nested.Add(GraphJsonClient.Text(item, "id") ?? throw new DeltaDoubtException("a nested group without an id"));
                    }
                },
                cancellationToken);
            if (nested.Count + 1 > DeltaFilterLimit)
            {
                Log.ChangesNotTracked(_logger, groupId, $"{nested.Count} nested groups, more than one delta query follows");
                return null;
            }

            var membership = GroupMembership.Empty(groupId, nested);
            var filter = string.Join(" or ", membership.Tracked.Select(id => $"id eq '{id.Replace("'", "''", StringComparison.Ordinal)}'"));
            var first = json.Absolute($"groups/delta?$filter={Uri.EscapeDataString(filter)}&$select=members");
            var link = await CallAsync(operation, () => json.ReadDeltaRoundAsync(first, operation, item => membership.Apply(item), cancellationToken), cancellationToken);
            if (!GrantsOf(membership, name).Select(g => (g.UserId, g.Access)).ToHashSet().SetEquals(grants.Select(g => (g.UserId, g.Access))))
            {
                // The membership changed between the two reads, or Graph disagrees with itself: try again next period.
                Log.ChangesNotTracked(_logger, groupId, "the first delta round and the full read disagree");
                return null;
            }

            return new DeltaState(link, membership.ToJson());
        }
        catch (Exception e) when (e is DeltaDoubtException or DirectoryException && !cancellationToken.IsCancellationRequested)
        {
            Log.ChangesNotTracked(_logger, groupId, Why(e));
            return null;
        }
    }

    /// <summary>The accounts of the transitive users of a tracked membership, worded as the full read words them.</summary>
    private static List<Grant> GrantsOf(GroupMembership membership, string name) =>
        [.. membership.Users().Select(id => new Grant(id, null, MemberAccess(name, membership.IsDirect(id)), null, null))];

    /// <summary>The per-user facts of every grant's user, and the accounts; also how many users Graph no longer had.</summary>
    private async Task<(List<DirectoryAccount> Accounts, int Unread)> ReadAccountsAsync(GraphJsonClient json, List<Grant> grants, bool includeManagers, ReviewResourceKind kind, string resourceId, long started, CancellationToken cancellationToken)
    {
        var facts = new Dictionary<string, UserFacts>(StringComparer.OrdinalIgnoreCase);
        foreach (var grant in grants)
        {
            if (!facts.TryGetValue(grant.UserId, out var fact))
            {
                facts[grant.UserId] = new UserFacts(grant.UserId) { User = grant.Listed };
            }
            else
            {
                fact.User ??= grant.Listed;
            }
        }

        var signIns = new SignInAvailability();
        await ReadUserFactsAsync(json, [.. facts.Values], includeManagers, signIns, cancellationToken);
        await ReadSponsorsAsync(json, [.. facts.Values.Where(f => IsGuest(f.User))], cancellationToken);

        var accounts = grants.Select(grant =>
        {
            var fact = facts[grant.UserId];
            var user = fact.User;
            return new DirectoryAccount(
                grant.UserId,
                user?.DisplayName ?? grant.DisplayName ?? grant.UserId,
                user?.Email,
                grant.Access,
                grant.AssignmentId,
                // A user who vanished while the population was read can't sign in.
                user?.AccountEnabled ?? false,
                IsGuest(user),
                fact.HasSponsor,
                fact.LastSignIn,
                fact.SignInKnown,
                fact.ManagerEmail);
        }).ToList();

        Log.PopulationRead(_logger, kind.ToString(), resourceId, accounts.Count, signIns.Refused is false, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return (accounts, facts.Values.Count(f => f.User is null));
    }

    /// <inheritdoc />
    public async Task<string?> FindManagerEmailAsync(string userIdOrEmail, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userIdOrEmail);
        if (TryCachedManager(userIdOrEmail, out var cached))
        {
            return cached;
        }

        using var client = CreateClient();
        var userId = userIdOrEmail;
        if (userIdOrEmail.Contains('@', StringComparison.Ordinal))
        {
            // An email isn't always the user principal name: find the user by either.
            var quoted = userIdOrEmail.Replace("'", "''", StringComparison.Ordinal);
            var found = await CallAsync(
                new GraphOperation($"look up the user {userIdOrEmail}", "User.Read.All", $"No user {userIdOrEmail} was found in Entra ID."),
                () => client.Users.GetAsync(
                    r =>
                    {
                        r.QueryParameters.Filter = $"mail eq '{quoted}' or userPrincipalName eq '{quoted}'";
                        r.QueryParameters.Select = ["id"];
                        r.QueryParameters.Top = 1;
                    },
                    cancellationToken),
                cancellationToken);
            if (found?.Value is not [{ Id: { } id }, ..])
            {
                Remember(userIdOrEmail, null);
                return null;
            }

            userId = id;
        }

        var manager = await ManagerOfAsync(client, userId, cancellationToken);
        Remember(userIdOrEmail, manager);
        return manager;
    }

    /// <inheritdoc />
    public async Task<DirectoryRemoval> RemoveAccessAsync(ReviewResourceKind kind, string resourceId, string subjectId, string? assignmentId, CancellationToken cancellationToken = default)
    {
        using var client = CreateClient();
        var removal = kind switch
        {
            ReviewResourceKind.EntraGroup => await RemoveMemberAsync(client, resourceId, subjectId, cancellationToken),
            ReviewResourceKind.EnterpriseApplication => await RemoveAssignmentAsync(client, resourceId, subjectId, assignmentId, cancellationToken),
            _ => throw NotInGraph(kind),
        };
        Log.Removal(_logger, kind.ToString(), resourceId, subjectId, removal.Detail);
        return removal;
    }

    private async Task<DirectoryRemoval> RemoveMemberAsync(GraphServiceClient client, string groupId, string userId, CancellationToken cancellationToken)
    {
        var group = await ReadGroupAsync(client, groupId, cancellationToken);
        var name = group.DisplayName ?? groupId;
        var remove = new GraphOperation($"remove {userId} from group {name}", "GroupMember.ReadWrite.All", GroupGone(groupId));
        try
        {
            await CallAsync(remove, () => client.Groups[groupId].Members[userId].Ref.DeleteAsync(cancellationToken: cancellationToken), cancellationToken);
            return new DirectoryRemoval(true, $"Removed {userId} from group {name}.");
        }
        catch (DirectoryException e) when (IsNotAMember(e.InnerException))
        {
            // Not a direct member: either gone already, or a member through a nested group.
        }

        var check = new GraphOperation($"check the group memberships of {userId}", "GroupMember.Read.All", "");
        IReadOnlyCollection<string> memberOf;
        try
        {
            var answer = await CallAsync(
                check,
                () => client.Users[userId].CheckMemberGroups.PostAsCheckMemberGroupsPostResponseAsync(new CheckMemberGroupsPostRequestBody { GroupIds = [groupId] }, cancellationToken: cancellationToken),
                cancellationToken);
            memberOf = answer?.Value ?? [];
        }
        catch (DirectoryException e) when (e.Problem == DirectoryProblem.NotFound)
        {
            return new DirectoryRemoval(true, $"{userId} no longer exists in Entra ID: nothing to remove from group {name}.");
        }

        return memberOf.Contains(groupId, StringComparer.OrdinalIgnoreCase)
            ? new DirectoryRemoval(false, $"{userId} is a member of group {name} through a nested group; remove them there.")
            : new DirectoryRemoval(true, $"{userId} was no longer a member of group {name}: nothing to remove.");
    }

    private async Task<DirectoryRemoval> RemoveAssignmentAsync(GraphServiceClient client, string servicePrincipalId, string userId, string? assignmentId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(assignmentId))
        {
            return new DirectoryRemoval(
                false,
                $"{userId} has this application's app role through a group's assignment, not one of their own; remove them from that group, or remove the group's assignment.");
        }

        var app = await ReadApplicationAsync(client, servicePrincipalId, NameFields, cancellationToken);
        var name = app.DisplayName ?? servicePrincipalId;
        var remove = new GraphOperation($"remove the app role assignment of {userId} to {name}", "AppRoleAssignment.ReadWrite.All", "");
        try
        {
            await CallAsync(remove, () => client.ServicePrincipals[servicePrincipalId].AppRoleAssignedTo[assignmentId].DeleteAsync(cancellationToken: cancellationToken), cancellationToken);
            return new DirectoryRemoval(true, $"Removed the app role assignment of {userId} to {name}.");
        }
        catch (DirectoryException e) when (e.Problem == DirectoryProblem.NotFound)
        {
            return new DirectoryRemoval(true, $"The app role assignment of {userId} to {name} was already gone: nothing to remove.");
        }
    }

    private async Task<List<Grant>> ReadGroupGrantsAsync(GraphJsonClient json, string groupId, string name, CancellationToken cancellationToken)
    {
        var members = await ReadGroupUsersAsync(json, groupId, name, cancellationToken);
        var directIds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var operation = MembersOperation(groupId, name);
        await CallAsync(
            operation,
            async () =>
            {
                await foreach (var member in json.ReadPagesAsync($"groups/{Uri.EscapeDataString(groupId)}/members?$select=id&$top={PageSize}", operation, cancellationToken))
                {
                    if (GraphJsonClient.Text(member, "id") is { } id)
                    {
                        directIds.Add(id);
                    }
                }
            },
            cancellationToken);

        return members
            .Select(u => new Grant(
                u.Id,
                u.DisplayName,
                MemberAccess(name, directIds.Contains(u.Id)),
                null,
                u))
            .ToList();
    }

    private async Task<List<Grant>> ReadApplicationGrantsAsync(GraphServiceClient client, GraphJsonClient json, string servicePrincipalId, CancellationToken cancellationToken)
    {
        var app = await ReadApplicationAsync(client, servicePrincipalId, ["id", "displayName", "appRoles"], cancellationToken);
        var name = app.DisplayName ?? servicePrincipalId;
        var roles = (app.AppRoles ?? [])
            .Where(r => r.Id is not null)
            .ToDictionary(r => r.Id!.Value, r => r.DisplayName ?? r.Value ?? r.Id!.Value.ToString());
        var assignments = await ReadAllAsync<AppRoleAssignment, AppRoleAssignmentCollectionResponse>(
            client,
            new GraphOperation($"read the app role assignments of the enterprise application {name}", "Application.Read.All", ApplicationGone(servicePrincipalId)),
            () => client.ServicePrincipals[servicePrincipalId].AppRoleAssignedTo.GetAsync(
                r =>
                {
                    r.QueryParameters.Select = ["id", "appRoleId", "principalId", "principalType", "principalDisplayName"];
                    r.QueryParameters.Top = PageSize;
                },
                cancellationToken),
            cancellationToken);

        var grants = new List<Grant>();
        var groups = new Dictionary<string, List<ListedUser>>(StringComparer.OrdinalIgnoreCase);
        foreach (var assignment in assignments)
        {
            var role = RoleName(roles, assignment.AppRoleId);
            var principalId = assignment.PrincipalId?.ToString();
            switch (assignment.PrincipalType)
            {
                case "User" when principalId is not null:
                    grants.Add(new Grant(principalId, assignment.PrincipalDisplayName, $"app role {role}", assignment.Id, null));
                    break;

                case "Group" when principalId is not null:
                    var groupName = assignment.PrincipalDisplayName ?? principalId;
                    if (!groups.TryGetValue(principalId, out var members))
                    {
                        members = await ReadGroupUsersAsync(json, principalId, groupName, cancellationToken);
                        groups[principalId] = members;
                    }

                    grants.AddRange(members.Select(u => new Grant(u.Id, u.DisplayName, $"app role {role} through group {groupName}", null, u)));
                    break;

                default:
                    Log.AssignmentSkipped(_logger, assignment.Id, servicePrincipalId, assignment.PrincipalType);
                    break;
            }
        }

        return grants;
    }

    /// <summary>The transitive user members of a group, in pages of 999, with only the listed fields.</summary>
    private async Task<List<ListedUser>> ReadGroupUsersAsync(GraphJsonClient json, string groupId, string name, CancellationToken cancellationToken)
    {
        var users = new List<ListedUser>();
        var operation = MembersOperation(groupId, name);
        await CallAsync(
            operation,
            async () =>
            {
                var url = $"groups/{Uri.EscapeDataString(groupId)}/transitiveMembers/graph.user?$select={string.Join(',', UserFields)}&$top={PageSize}";
                await foreach (var item in json.ReadPagesAsync(url, operation, cancellationToken))
                {
                    if (ListedUser.From(item) is { } user)
                    {
                        users.Add(user);
                    }
                }
            },
            cancellationToken);
        return users;
    }

    /// <summary>
    /// Sign-in activity (while the tenant gives it), the details of users no listing gave, and managers when asked for
    /// (<c>$expand=manager</c>): one request per user, 20 to a <c>$batch</c>, <see cref="GraphOptions.MaxConcurrency"/>
    /// batches in flight. The first batch goes alone: a tenant without sign-in activity (no AuditLog.Read.All, or no
    /// Entra ID P1) refuses it there, and the rest are read without it.
    /// </summary>
    private async Task ReadUserFactsAsync(GraphJsonClient json, List<UserFacts> users, bool includeManagers, SignInAvailability signIns, CancellationToken cancellationToken)
    {
        bool Needed(UserFacts user) => user.User is null || includeManagers || signIns.Refused is not true;
        var first = users.Take(GraphJsonClient.BatchLimit).ToList();
        await ReadUsersAsync(json, first, includeManagers, signIns, cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(users.Skip(first.Count).Where(Needed).Chunk(GraphJsonClient.BatchLimit), parallel, async (chunk, token) =>
            await ReadUsersAsync(json, chunk, includeManagers, signIns, token));
    }

    private async Task ReadUsersAsync(GraphJsonClient json, IReadOnlyList<UserFacts> users, bool includeManagers, SignInAvailability signIns, CancellationToken cancellationToken)
    {
        var withSignIns = signIns.Refused is not true;
        var wanted = users.Where(u => u.User is null || includeManagers || withSignIns).ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        var requests = wanted.Select(u =>
        {
            string[] fields = (u.User is null, withSignIns) switch
            {
                (true, true) => UserFieldsWithSignIns,
                (true, false) => UserFields,
                (false, true) => SignInFields,
                (false, false) => ["id"],
            };
            var expand = includeManagers ? $"&$expand=manager($select={string.Join(',', ContactFields)})" : "";
            return new BatchRequest($"users/{Uri.EscapeDataString(u.Id)}?$select={string.Join(',', fields)}{expand}", ReadUserOperation(u.Id));
        }).ToList();
        var answers = await CallAsync(requests[0].Operation, () => json.BatchAsync(requests, cancellationToken), cancellationToken);

        var again = new List<UserFacts>();
        for (var i = 0; i < wanted.Count; i++)
        {
            var (user, answer) = (wanted[i], answers[i]);
            if (answer.IsSuccess)
            {
                if (answer.Body.ValueKind != JsonValueKind.Object)
                {
                    throw GraphJsonClient.Unreadable(requests[i].Operation, "a user that isn't a JSON object");
                }

                user.User ??= ListedUser.From(answer.Body);
                if (withSignIns)
                {
                    signIns.Refused = false;
                    user.SignInKnown = true;
                    user.LastSignIn = LastSignIn(answer.Body);
                }

                if (includeManagers)
                {
                    user.ManagerEmail = answer.Body.TryGetProperty("manager", out var manager) ? ListedUser.EmailOf(manager) : null;
                    Remember(user.Id, user.ManagerEmail);
                }
            }
            else if (answer.Status == 403 && withSignIns)
            {
                if (signIns.Refuse())
                {
                    Log.SignInsUnavailable(_logger, answer.Status, answer.ToError().Error?.Code);
                }

                again.Add(user);
            }
            else if (answer.Status == 404)
            {
                // Graph answers 404 for a user who vanished while the population was read: kept as listed, without details.
                Log.UserVanished(_logger, user.Id);
            }
            else
            {
                var error = answer.ToError();
                throw Fail(error, requests[i].Operation, GraphErrors.Translate(error, requests[i].Operation, _options.MaxRetries)!);
            }
        }

        if (again.Count > 0)
        {
            await ReadUsersAsync(json, again, includeManagers, signIns, cancellationToken);
        }
    }

    /// <summary>Whether each guest has a sponsor, 20 to a <c>$batch</c>; left unknown (null) when Graph won't say.</summary>
    private async Task ReadSponsorsAsync(GraphJsonClient json, List<UserFacts> guests, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(guests.Chunk(GraphJsonClient.BatchLimit), parallel, async (chunk, token) =>
        {
            var requests = chunk.Select(g => new BatchRequest($"users/{Uri.EscapeDataString(g.Id)}/sponsors?$select=id", ReadUserOperation(g.Id))).ToList();
            var answers = await CallAsync(requests[0].Operation, () => json.BatchAsync(requests, token), token);
            for (var i = 0; i < chunk.Length; i++)
            {
                if (answers[i].IsSuccess && answers[i].Body.ValueKind == JsonValueKind.Object && answers[i].Body.TryGetProperty("value", out var sponsors) && sponsors.ValueKind == JsonValueKind.Array)
                {
                    chunk[i].HasSponsor = sponsors.GetArrayLength() > 0;
                }
                else
                {
                    Log.SponsorsUnknown(_logger, chunk[i].Id, answers[i].Status);
                }
            }
        });
    }

    /// <summary>The manager's email of the user with this object id (or user principal name); null when they have none.</summary>
    private async Task<string?> ManagerOfAsync(GraphServiceClient client, string userId, CancellationToken cancellationToken)
    {
        if (TryCachedManager(userId, out var cached))
        {
            return cached;
        }

        string? email;
        try
        {
            var manager = await CallAsync(
                new GraphOperation($"read the manager of {userId}", "User.Read.All", ""),
                () => client.Users[userId].Manager.GetAsync(r => r.QueryParameters.Select = ContactFields, cancellationToken),
                cancellationToken);
            email = EmailOf(manager);
        }
        catch (DirectoryException e) when (e.Problem == DirectoryProblem.NotFound)
        {
            // Graph answers 404 both for "no manager" and for a user who doesn't exist.
            email = null;
        }

        Remember(userId, email);
        return email;
    }

    private Task<Group> ReadGroupAsync(GraphServiceClient client, string groupId, CancellationToken cancellationToken) =>
        CallAsync(
            new GraphOperation($"read the group {groupId}", "GroupMember.Read.All", GroupGone(groupId)),
            async () => await client.Groups[groupId].GetAsync(r => r.QueryParameters.Select = NameFields, cancellationToken) ?? new Group { Id = groupId },
            cancellationToken);

    private Task<ServicePrincipal> ReadApplicationAsync(GraphServiceClient client, string servicePrincipalId, string[] fields, CancellationToken cancellationToken) =>
        CallAsync(
            new GraphOperation($"read the enterprise application {servicePrincipalId}", "Application.Read.All", ApplicationGone(servicePrincipalId)),
            async () => await client.ServicePrincipals[servicePrincipalId].GetAsync(r => r.QueryParameters.Select = fields, cancellationToken) ?? new ServicePrincipal { Id = servicePrincipalId },
            cancellationToken);

    /// <summary>Every item of a paged collection: the first page from <paramref name="firstPage"/>, the rest by <c>@odata.nextLink</c>.</summary>
    private Task<List<T>> ReadAllAsync<T, TPage>(GraphServiceClient client, GraphOperation operation, Func<Task<TPage?>> firstPage, CancellationToken cancellationToken)
        where TPage : IParsable, IAdditionalDataHolder, new() =>
        CallAsync(
            operation,
            async () =>
            {
                var items = new List<T>();
                if (await firstPage() is { } page)
                {
                    var iterator = PageIterator<T, TPage>.CreatePageIterator(client, page, item =>
                    {
                        items.Add(item);
                        return true;
                    });
                    await iterator.IterateAsync(cancellationToken);
                }

                return items;
            },
            cancellationToken);

    private async Task<T> CallAsync<T>(GraphOperation operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && GraphErrors.Translate(e, operation, _options.MaxRetries) is { } translated)
        {
            throw Fail(e, operation, translated);
        }
    }

    private async Task CallAsync(GraphOperation operation, Func<Task> call, CancellationToken cancellationToken)
    {
        try
        {
            await call();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && GraphErrors.Translate(e, operation, _options.MaxRetries) is { } translated)
        {
            throw Fail(e, operation, translated);
        }
    }

    private DirectoryException Fail(Exception e, GraphOperation operation, DirectoryException translated) =>
        GraphErrors.Report(e, operation, translated, _tokens, _logger);

    private GraphJsonClient CreateJsonClient() => new(_httpClientFactory.CreateClient(HttpClientName), _tokens, _options, _time);

    private GraphServiceClient CreateClient() =>
        new(_httpClientFactory.CreateClient(HttpClientName), _authentication, _options.BaseUrl.TrimEnd('/'));

    private bool TryCachedManager(string key, out string? email)
    {
        if (_managers.TryGetValue(key, out var entry) && _time.GetUtcNow() < entry.Until)
        {
            email = entry.Email;
            return true;
        }

        email = null;
        return false;
    }

    private void Remember(string key, string? email)
    {
        if (_options.ManagerCacheMinutes <= 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (_managers.Count >= ManagerCacheSweepAt)
        {
            foreach (var (stale, _) in _managers.Where(e => e.Value.Until <= now))
            {
                _managers.TryRemove(stale, out _);
            }
        }

        _managers[key] = new CachedManager(email, now.AddMinutes(_options.ManagerCacheMinutes));
    }

    private static bool IsNotAMember(Exception? e) =>
        e is ApiException { ResponseStatusCode: 404 }
        || (e is Microsoft.Graph.Models.ODataErrors.ODataError { ResponseStatusCode: 400 } odata
            && odata.Error?.Message?.Contains("do not exist", StringComparison.OrdinalIgnoreCase) == true);

    /// <summary>The later of the interactive and non-interactive sign-ins in a user's <c>signInActivity</c>.</summary>
    private static DateTimeOffset? LastSignIn(JsonElement user)
    {
        if (!user.TryGetProperty("signInActivity", out var activity))
        {
            return null;
        }

        return (Time(activity, "lastSignInDateTime"), Time(activity, "lastNonInteractiveSignInDateTime")) switch
        {
            ({ } interactive, { } other) => interactive > other ? interactive : other,
            (var interactive, var other) => interactive ?? other,
        };
    }

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        GraphJsonClient.Text(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    private static string RoleName(Dictionary<Guid, string> roles, Guid? roleId) =>
        roleId is not { } id ? "unknown"
        : id == Guid.Empty ? "Default Access"
        : roles.GetValueOrDefault(id) ?? id.ToString();

    private static bool IsGuest(ListedUser? user) => string.Equals(user?.UserType, "Guest", StringComparison.OrdinalIgnoreCase);

    private static string? EmailOf(DirectoryObject? entry) => entry switch
    {
        User user => NonEmpty(user.Mail) ?? NonEmpty(user.UserPrincipalName),
        { AdditionalData: { } data } => NonEmpty(Text(data, "mail")) ?? NonEmpty(Text(data, "userPrincipalName")),
        _ => null,
    };

    private static string? Text(IDictionary<string, object> data, string key) => data.TryGetValue(key, out var value) ? value as string : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static List<string> EmailsOf(IEnumerable<User> users) => users.Select(EmailOf).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    private static string MemberAccess(string groupName, bool direct) => direct ? $"member of {groupName}" : $"member of {groupName} through a nested group";

    /// <summary>Why a delta wasn't used or kept, for the log: never the link.</summary>
    private static string Why(Exception e) => e switch
    {
        DirectoryException { InnerException: { } inner } when GraphErrors.Status(inner) == 410 || GraphErrors.Code(inner) is "syncStateNotFound" or "syncStateInvalid" or "resyncRequired" =>
            $"Graph no longer knows the delta link (HTTP {GraphErrors.Status(inner)} {GraphErrors.Code(inner)}): it expired",
        DirectoryException { InnerException: { } inner } when GraphErrors.Status(inner) is { } status => $"Graph answered HTTP {status} {GraphErrors.Code(inner)}",
        _ => e.Message,
    };

    private static GraphOperation DeltaOperation(string groupId) =>
        new($"follow the membership changes of group {groupId}", "GroupMember.Read.All", GroupGone(groupId));

    private static GraphOperation ReadUserOperation(string userId) => new($"read the user {userId}", "User.Read.All", "");

    private static GraphOperation MembersOperation(string groupId, string name) =>
        new($"read the members of group {name}", "GroupMember.Read.All and User.Read.All", GroupGone(groupId));

    private static string GroupGone(string groupId) =>
        $"The group {groupId} no longer exists in Entra ID (or the id is wrong): check the review's group, or review the access elsewhere.";

    private static string ApplicationGone(string servicePrincipalId) =>
        $"The enterprise application {servicePrincipalId} no longer exists in Entra ID (or the id isn't its service principal's object id): check the review's application.";

    private static ArgumentOutOfRangeException NotInGraph(ReviewResourceKind kind) =>
        new(nameof(kind), kind, "Only Entra ID groups and enterprise applications are read from Microsoft Graph.");

    /// <summary>One account's access before the per-user facts are read; <see cref="Listed"/> is the user as a listing gave it.</summary>
    private sealed record Grant(string UserId, string? DisplayName, string Access, string? AssignmentId, ListedUser? Listed);

    /// <summary>A user's facts as they are read; each is written by one batch only.</summary>
    private sealed class UserFacts(string id)
    {
        public string Id { get; } = id;

        public ListedUser? User { get; set; }

        public bool SignInKnown { get; set; }

        public DateTimeOffset? LastSignIn { get; set; }

        public bool? HasSponsor { get; set; }

        public string? ManagerEmail { get; set; }
    }

    /// <summary>A user as a listing or a read gave it: the few fields selected, nothing else kept.</summary>
    private sealed record ListedUser(string Id, string? DisplayName, string? Email, bool? AccountEnabled, string? UserType)
    {
        public static ListedUser? From(JsonElement user) =>
            GraphJsonClient.Text(user, "id") is { } id
                ? new ListedUser(
                    id,
                    GraphJsonClient.Text(user, "displayName"),
                    EmailOf(user),
                    user.TryGetProperty("accountEnabled", out var enabled) && enabled.ValueKind is JsonValueKind.True or JsonValueKind.False ? enabled.GetBoolean() : null,
                    GraphJsonClient.Text(user, "userType"))
                : null;

        public static string? EmailOf(JsonElement user) =>
            NonEmpty(GraphJsonClient.Text(user, "mail")) ?? NonEmpty(GraphJsonClient.Text(user, "userPrincipalName"));
    }

    private sealed record CachedManager(string? Email, DateTimeOffset Until);

    /// <summary>Whether the tenant gives sign-in activity: null until the first answer, shared by the concurrent reads.</summary>
    private sealed class SignInAvailability
    {
        private int _state;

        public bool? Refused
        {
            get => Volatile.Read(ref _state) switch { 0 => null, 1 => false, _ => true };
            set => Interlocked.CompareExchange(ref _state, value is true ? 2 : 1, 0);
        }

        /// <summary>Marks sign-ins refused; true for the first caller only (who logs it).</summary>
        public bool Refuse() => Interlocked.Exchange(ref _state, 2) != 2;
    }
}
