using ChatCompliance.Core.Reviews;

namespace ChatCompliance.Integrations.Graph;

/// <summary>
/// Opens the bot's 1:1 chat with a Teams user who never opened it, by installing the app for them through Microsoft
/// Graph (<c>teamwork/installedApps</c>). Failures are <see cref="DirectoryException"/>s whose message a compliance lead
/// can act on: <see cref="DirectoryProblem.NotConfigured"/>, <see cref="DirectoryProblem.PermissionMissing"/> (403),
/// <see cref="DirectoryProblem.NotFound"/> (the app is not in the catalog, or the user is gone) are lasting;
/// <see cref="DirectoryProblem.Unavailable"/> (throttled, down, or an answer that makes no sense) is worth retrying.
/// </summary>
public interface ITeamsAppInstaller
{
    /// <summary>Installs the app for the user (already installed is fine) and returns its 1:1 chat with them; <paramref name="userObjectId"/> is their Entra object id.</summary>
    Task<InstalledChat> OpenPersonalChatAsync(string userObjectId, CancellationToken cancellationToken = default);
}

/// <summary>The bot's 1:1 chat with a user, as Graph names it (<c>19:…@unq.gbl.spaces</c>), and the tenant it is in.</summary>
public sealed record InstalledChat(string ChatId, string TenantId);
