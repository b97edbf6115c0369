using System.Text.RegularExpressions;
using ChatCompliance.Core.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatCompliance.Core.Storage;

/// <summary>Input refused before it reached the store; <see cref="Exception.Message"/> says why, in words a user can act on.</summary>
public sealed class RefusedInputException : Exception
{
    public RefusedInputException()
        : base("The input was refused.")
    {
    }

    public RefusedInputException(string message)
        : base(message)
    {
    }

    public RefusedInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The last line before the database, whatever door the data came through (admin API, CSV, chat, CLI, jobs): every
/// added or changed text must be storable (<see cref="TextRule.StorageProblem"/>) and fit its column, and every added or
/// changed date must pass <see cref="DateRule"/>. A failure throws <see cref="RefusedInputException"/> before anything is
/// written, so PostgreSQL never answers with an error the caller would see as a 500.
/// </summary>
internal sealed partial class StoredInputGuard(TimeProvider time) : SaveChangesInterceptor
{
    public static readonly StoredInputGuard Instance = new(TimeProvider.System);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Check(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Check(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified))
            {
                continue;
            }

            foreach (var property in entry.Properties)
            {
                if (entry.State == EntityState.Modified && !property.IsModified)
                {
                    continue;
                }

                var problem = property.CurrentValue switch
                {
                    string text => TextProblem(entry, property, text),
                    DateOnly date => DateRule.Problem(date, Name(entry, property), today),
                    _ => null,
                };
                if (problem is not null)
                {
                    throw new RefusedInputException(problem);
                }
            }
        }
    }

    private static string? TextProblem(EntityEntry entry, PropertyEntry property, string text) =>
        TextRule.StorageProblem(text, Name(entry, property))
        ?? (property.Metadata.GetMaxLength() is { } max && text.Length > max ? $"{Name(entry, property)} is longer than {max} characters" : null);

    /// <summary>The field in words a person can act on: EvidenceTask.RequestedDueDate is "the evidence task's requested due date".</summary>
    private static string Name(EntityEntry entry, PropertyEntry property) => $"the {Words(entry.Metadata.ClrType.Name)}'s {Words(property.Metadata.Name)}";

    private static string Words(string pascal) => WordStart().Replace(pascal, " ").ToLowerInvariant();

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordStart();
}
