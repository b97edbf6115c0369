namespace ChatCompliance.Core.Storage;

/// <summary>Where the application keeps its data.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Folder of the embedded SQLite file, relative to the content root unless absolute.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The SQLite file's name inside <see cref="DataDirectory"/>.</summary>
    public string SqliteFileName { get; set; } = "chatcompliance.db";
}

/// <summary>Which store the application runs on, resolved once at start.</summary>
/// <param name="Provider"><c>sqlite</c> or <c>postgresql</c>.</param>
/// <param name="Location">The SQLite file, or the PostgreSQL host and database (never the password).</param>
/// <param name="ConnectionString">The full connection string.</param>
/// <param name="Setting">The configuration key the store came from, named in error messages.</param>
public sealed record StoreDescription(string Provider, string Location, string ConnectionString, string Setting)
{
    public const string Sqlite = "sqlite";
    public const string PostgreSql = "postgresql";

    /// <summary>The configuration key of the PostgreSQL connection string.</summary>
    public const string PostgresSetting = "ConnectionStrings:Postgres";

    public bool IsPostgres => Provider == PostgreSql;
}
