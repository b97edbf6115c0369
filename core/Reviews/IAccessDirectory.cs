using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Reviews;

/// <summary>
/// The directory that holds access-review populations (Microsoft Graph in production): who has access to a group
/// or an enterprise application, facts for the recommendation, managers, and removal of access.
/// </summary>
public interface IAccessDirectory
{
    /// <summary>False when no directory is configured: Graph-backed campaigns can't start, CSV campaigns still can.</summary>
    bool IsConfigured { get; }

    /// <summary>The resource's display name and its owners' email addresses.</summary>
    /// <exception cref="DirectoryException">Not found, no permission, or the directory is unavailable.</exception>
    Task<DirectoryResource> ReadResourceAsync(ReviewResourceKind kind, string resourceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Everyone with access: transitive user members of a group, or the users assigned an app role of an enterprise
    /// application (one account per assignment), with account enabled, guest, sponsor and last sign-in where the
    /// tenant provides them, and each user's manager when <paramref name="includeManagers"/>.
    /// </summary>
    /// <exception cref="DirectoryException">Not found, no permission, or the directory is unavailable.</exception>
    Task<IReadOnlyList<DirectoryAccount>> ReadPopulationAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, CancellationToken cancellationToken = default);

    /// <summary>
    /// The population of a recurring series' resource, as <see cref="ReadPopulationAsync"/> reads it: from
    /// <paramref name="since"/>'s membership and the changes since, when the directory tracks changes for this kind and
    /// <paramref name="since"/> is still good; otherwise (no state, expired, malformed, any doubt) read in full. Either
    /// way the accounts are the same as a full read's, and come with the state to start from next period (null when the
    /// directory keeps none for this kind). A directory without change tracking reads in full.
    /// </summary>
    /// <exception cref="DirectoryException">Not found, no permission, or the directory is unavailable.</exception>
    async Task<TrackedPopulation> ReadPopulationSinceAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, DeltaState? since, CancellationToken cancellationToken = default) =>
        new(await ReadPopulationAsync(kind, resourceId, includeManagers, cancellationToken), null, FromChanges: false);

    /// <summary>
    /// Moves <paramref name="since"/> forward to now without reading the population, so that it doesn't expire between
    /// periods (Graph forgets a delta link after 7 days); null when it can't (the next read is then a full one).
    /// </summary>
    Task<DeltaState?> AdvanceDeltaAsync(ReviewResourceKind kind, string resourceId, DeltaState since, CancellationToken cancellationToken = default) =>
        Task.FromResult<DeltaState?>(null);

    /// <summary>The manager's email address of the user with this object id or email, or null when they have none.</summary>
    Task<string?> FindManagerEmailAsync(string userIdOrEmail, CancellationToken cancellationToken = default);

    /// <summary>Removes one account's access (the group membership, or the app role assignment <see cref="DirectoryAccount.AssignmentId"/>).</summary>
    Task<DirectoryRemoval> RemoveAccessAsync(ReviewResourceKind kind, string resourceId, string subjectId, string? assignmentId, CancellationToken cancellationToken = default);
}

/// <summary>A reviewed resource as the directory names it.</summary>
public sealed record DirectoryResource(string Id, string DisplayName, IReadOnlyList<string> OwnerEmails);

/// <summary>One account with access, as read when a campaign starts.</summary>
/// <param name="Id">The directory object id.</param>
/// <param name="DisplayName">The display name.</param>
/// <param name="Email">Mail, or the user principal name when there is no mail.</param>
/// <param name="Access">What the access is: "member of Finance", "app role Admin".</param>
/// <param name="AssignmentId">The app role assignment's id (for removal), null for group members.</param>
/// <param name="AccountEnabled">Whether the account can sign in.</param>
/// <param name="IsGuest">User type Guest.</param>
/// <param name="HasSponsor">For guests, whether a sponsor is recorded; null when unknown or not a guest.</param>
/// <param name="LastSignInAt">The last interactive or non-interactive sign-in, null when the tenant doesn't provide it or there was none.</param>
/// <param name="SignInKnown">Whether the tenant provides sign-in activity at all (so a null <see cref="LastSignInAt"/> means "never").</param>
/// <param name="ManagerEmail">The manager's email when asked for and known.</param>
public sealed record DirectoryAccount(
    string Id,
    string DisplayName,
    string? Email,
    string Access,
    string? AssignmentId,
    bool AccountEnabled,
    bool IsGuest,
    bool? HasSponsor,
    DateTimeOffset? LastSignInAt,
    bool SignInKnown,
    string? ManagerEmail);

/// <summary>A directory's change-tracking state: opaque to everything but the directory that wrote it.</summary>
/// <param name="Link">Where the changes since are asked for (Graph's <c>@odata.deltaLink</c>).</param>
/// <param name="Membership">Who was a member at <paramref name="Link"/>, in the directory's own format.</param>
public sealed record DeltaState(string Link, string Membership);

/// <summary>A population read for a recurring series.</summary>
/// <param name="Accounts">Everyone with access, as a full read gives them.</param>
/// <param name="Next">The state to start from next period; null when none is kept (the next read is full).</param>
/// <param name="FromChanges">True when the accounts came from the previous state and the changes since, not a full read.</param>
public sealed record TrackedPopulation(IReadOnlyList<DirectoryAccount> Accounts, DeltaState? Next, bool FromChanges);

/// <summary>What happened when access was removed.</summary>
public sealed record DirectoryRemoval(bool Removed, string Detail);

/// <summary>Why the directory could not answer.</summary>
public enum DirectoryProblem
{
    NotConfigured,
    /// <summary>The application lacks a Graph permission (403).</summary>
    PermissionMissing,
    /// <summary>The group, application or user no longer exists (404).</summary>
    NotFound,
    /// <summary>Throttled or unavailable after the retries.</summary>
    Unavailable,
}

/// <summary>The directory refused or failed; <see cref="Exception.Message"/> is plain words a compliance lead can act on.</summary>
public sealed class DirectoryException(DirectoryProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public DirectoryProblem Problem { get; } = problem;
}
