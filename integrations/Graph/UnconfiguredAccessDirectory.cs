using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Reviews;

namespace ChatCompliance.Integrations.Graph;

/// <summary>The directory while Graph isn't configured: CSV campaigns still work, Graph-backed ones are refused with the settings to add.</summary>
internal sealed class UnconfiguredAccessDirectory : IAccessDirectory
{
    private const string Message = "Microsoft Graph isn't configured: set Graph:TenantId, Graph:ClientId and Graph:ClientSecret";

    /// <inheritdoc />
    public bool IsConfigured => false;

    /// <inheritdoc />
    public Task<DirectoryResource> ReadResourceAsync(ReviewResourceKind kind, string resourceId, CancellationToken cancellationToken = default) =>
        throw NotConfigured();

    /// <inheritdoc />
    public Task<IReadOnlyList<DirectoryAccount>> ReadPopulationAsync(ReviewResourceKind kind, string resourceId, bool includeManagers, CancellationToken cancellationToken = default) =>
        throw NotConfigured();

    /// <inheritdoc />
    public Task<string?> FindManagerEmailAsync(string userIdOrEmail, CancellationToken cancellationToken = default) =>
        throw NotConfigured();

    /// <inheritdoc />
    public Task<DirectoryRemoval> RemoveAccessAsync(ReviewResourceKind kind, string resourceId, string subjectId, string? assignmentId, CancellationToken cancellationToken = default) =>
        throw NotConfigured();

    private static DirectoryException NotConfigured() => new(DirectoryProblem.NotConfigured, Message);
}
