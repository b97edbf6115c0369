using System.Collections.Concurrent;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;

namespace ChatCompliance.Tests.Reviews;

/// <summary>An in-memory directory for the access-review logic's tests (the Graph client has its own, against WireMock).</summary>
internal sealed class FakeDirectory : IAccessDirectory
{
    public bool IsConfigured => true;

    public string DisplayName { get; set; } = "Finance";

    public List<string> Owners { get; } = [];

    public List<DirectoryAccount> Population { get; } = [];

    public DirectoryException? Failure { get; set; }

    /// <summary>Subjects whose removal fails, with the reason.</summary>
    public Dictionary<string, string> RemovalFailures { get; } = [];

    public ConcurrentBag<string> Removed { get; } = [];

    public Task<DirectoryResource> ReadResourceAsync(ReviewResourceKind kind, string resourceId, CancellationToken cancellationToken = default) =>
        Failure is not null ? Task.FromException<DirectoryResource>(Failure) : Task.FromResult(new DirectoryResource(resourceId, DisplayName, Owners));

    public Task<IReadOnlyList<DirectoryAccount>> ReadPopulationAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, CancellationToken cancellationToken = default) =>
        Failure is not null
            ? Task.FromException<IReadOnlyList<DirectoryAccount>>(Failure)
            : Task.FromResult<IReadOnlyList<DirectoryAccount>>(includeManagers ? [.. Population] : [.. Population.Select(a => a with { ManagerEmail = null })]);

    public Task<string?> FindManagerEmailAsync(string userIdOrEmail, CancellationToken cancellationToken = default) =>
        Task.FromResult(Population.FirstOrDefault(a => a.Id == userIdOrEmail || a.Email == userIdOrEmail)?.ManagerEmail);

    public Task<DirectoryRemoval> RemoveAccessAsync(ReviewResourceKind kind, string resourceId, string subjectId, string? assignmentId, CancellationToken cancellationToken = default)
    {
        if (RemovalFailures.TryGetValue(subjectId, out var reason))
        {
            return Task.FromException<DirectoryRemoval>(new DirectoryException(DirectoryProblem.PermissionMissing, reason));
        }

        Removed.Add(subjectId);
        return Task.FromResult(new DirectoryRemoval(true, $"removed {subjectId} from {resourceId}"));
    }

    public static DirectoryAccount Account(string name, string? manager = null, bool enabled = true, bool guest = false, bool? sponsor = null, int? daysSinceSignIn = 3, DateTimeOffset? now = null) =>
        new($"id-{name}", name[..1].ToUpperInvariant() + name[1..], $"{name}@example.com", "member of Finance", null, enabled, guest, guest ? sponsor : null,
            daysSinceSignIn is { } days ? (now ?? DateTimeOffset.UtcNow).AddDays(-days) : null, SignInKnown: true, manager);
}
