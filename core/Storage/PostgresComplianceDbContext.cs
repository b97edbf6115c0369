using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ChatCompliance.Core.Storage;

/// <summary>The model on PostgreSQL, the production store.</summary>
public sealed class PostgresComplianceDbContext(DbContextOptions<PostgresComplianceDbContext> options) : ComplianceDbContext(options);

/// <summary>Lets <c>dotnet ef</c> build PostgreSQL migrations without the host or a server.</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresComplianceDbContext>
{
    public PostgresComplianceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresComplianceDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
