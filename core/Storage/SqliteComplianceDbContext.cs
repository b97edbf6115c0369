using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ChatCompliance.Core.Storage;

/// <summary>The model on SQLite, the embedded default.</summary>
public sealed class SqliteComplianceDbContext(DbContextOptions<SqliteComplianceDbContext> options) : ComplianceDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset stored as text; a UTC tick count sorts correctly.
        // (EF's DateTimeOffsetToBinaryConverter would round to 0.1 ms.)
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}

/// <summary>Lets <c>dotnet ef</c> build SQLite migrations without the host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteComplianceDbContext>
{
    public SqliteComplianceDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteComplianceDbContext>().UseSqlite("Data Source=design.db").Options);
}
