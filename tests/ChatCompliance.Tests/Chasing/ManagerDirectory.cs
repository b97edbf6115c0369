using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;

namespace ChatCompliance.Tests.Chasing;

/// <summary>A directory that only knows managers, as the chaser asks it; configured or not.</summary>
internal sealed class ManagerDirectory(bool configured) : IAccessDirectory
{
    public bool IsConfigured => configured;

    /// <summary>Manager email by user object id or email.</summary>
    public Dictionary<string, string> Managers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public DirectoryException? Failure { get; set; }

    public List<string> Asked { get; } = [];

    public Task<string?> FindManagerEmailAsync(string userIdOrEmail, CancellationToken cancellationToken = default)
    {
        Asked.Add(userIdOrEmail);
        return !configured ? throw new InvalidOperationException("An unconfigured directory was asked for a manager.")
            : Failure is not null ? Task.FromException<string?>(Failure)
            : Task.FromResult(Managers.GetValueOrDefault(userIdOrEmail));
    }

    public Task<DirectoryResource> ReadResourceAsync(ReviewResourceKind kind, string resourceId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IReadOnlyList<DirectoryAccount>> ReadPopulationAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<DirectoryRemoval> RemoveAccessAsync(ReviewResourceKind kind, string resourceId, string subjectId, string? assignmentId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();
}
