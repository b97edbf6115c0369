using System.Globalization;
using ChatCompliance.Core.Controls;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Reviews;

/// <summary>
/// The accounts of a system outside the directory, from CSV (UTF-8, a header naming the columns in any order):
/// <c>account_id</c>, <c>display_name</c>, <c>access</c> (what the account can do there), and the optional
/// <c>email</c>, <c>enabled</c> and <c>guest</c> (yes/no, true/false), <c>has_sponsor</c>, <c>last_sign_in</c>
/// (yyyy-mm-dd or an ISO 8601 time; empty means never when the column is there) and <c>manager_email</c>.
/// Every row is checked; nothing is used unless every row is good.
/// </summary>
public static class PopulationCsv
{
    public const string AccountId = "account_id";
    public const string DisplayName = "display_name";
    public const string Access = "access";
    public const string Email = "email";
    public const string Enabled = "enabled";
    public const string Guest = "guest";
    public const string HasSponsor = "has_sponsor";
    public const string LastSignIn = "last_sign_in";
    public const string ManagerEmail = "manager_email";

    /// <summary>The most accounts one campaign reviews.</summary>
    public const int MaxAccounts = 50_000;

    public static IReadOnlyList<string> Required { get; } = [AccountId, DisplayName, Access];

    public static IReadOnlyList<string> Columns { get; } = [AccountId, DisplayName, Access, Email, Enabled, Guest, HasSponsor, LastSignIn, ManagerEmail];

    private const int MaxRecordBytes = 16 * 1024;

    /// <summary>The accounts, or the errors (line, column, reason) when any row is bad.</summary>
    public static async Task<(IReadOnlyList<DirectoryAccount> Accounts, IReadOnlyList<ControlImportError> Errors)> ReadAsync(Stream input, CancellationToken cancellationToken = default)
    {
        var accounts = new List<DirectoryAccount>();
        var errors = new List<ControlImportError>();
        var seen = new HashSet<(string, string)>();
        await CsvImportReader.ReadAsync(input, Columns, Required, MaxRecordBytes, errors, csvRow =>
        {
            var line = csvRow.Line;
            if (accounts.Count >= MaxAccounts)
            {
                errors.Add(new(line, null, $"more than {MaxAccounts} accounts: split the system into several campaigns"));
                return false;
            }

            var signInKnown = csvRow.Has(LastSignIn);
            string? Field(string column) => csvRow.Field(column);
            var before = errors.Count;
            void Check(string column, string? reason)
            {
                if (reason is not null)
                {
                    errors.Add(new(line, column, reason));
                }
            }

            bool? Flag(string column)
            {
                var text = Field(column)?.ToLowerInvariant();
                bool? value = text switch
                {
                    null => null,
                    "yes" or "true" or "y" or "1" => true,
                    "no" or "false" or "n" or "0" => false,
                    _ => null,
                };
                Check(column, text is not null && value is null ? $"'{text}' is not yes or no" : null);
                return value;
            }

            var id = Field(AccountId);
            Check(AccountId, id is null ? "the account id is required" : id.Length > 200 ? "longer than 200 characters" : null);
            var name = Field(DisplayName);
            Check(DisplayName, name is null ? "the name is required" : name.Length > 300 ? "longer than 300 characters" : null);
            var access = Field(Access);
            Check(Access, access is null ? "say what access the account has (a role, a group)" : access.Length > 300 ? "longer than 300 characters" : null);
            var email = Field(Email);
            Check(Email, email is null || Person.IsValidEmail(Person.NormaliseEmail(email)) ? null : $"'{email}' is not an email address");
            var manager = Field(ManagerEmail);
            Check(ManagerEmail, manager is null || Person.IsValidEmail(Person.NormaliseEmail(manager)) ? null : $"'{manager}' is not an email address");
            var (enabled, guest, sponsor) = (Flag(Enabled), Flag(Guest), Flag(HasSponsor));
            DateTimeOffset? lastSignIn = null;
            if (Field(LastSignIn) is { } signIn)
            {
                if (DateTimeOffset.TryParse(signIn, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    lastSignIn = parsed;
                }
                else
                {
                    Check(LastSignIn, $"'{signIn}' is not a date (yyyy-mm-dd) or an ISO 8601 time");
                }
            }

            if (errors.Count == before && !seen.Add((id!, access!)))
            {
                Check(AccountId, $"{id} with access '{access}' appears twice");
            }

            if (errors.Count == before)
            {
                accounts.Add(new DirectoryAccount(id!, name!, email is null ? null : Person.NormaliseEmail(email), access!, null,
                    enabled ?? true, guest ?? false, guest == true ? sponsor : null, lastSignIn, signInKnown, manager is null ? null : Person.NormaliseEmail(manager)));
            }

            return true;
        }, cancellationToken);

        if (errors.Count == 0 && accounts.Count == 0)
        {
            errors.Add(new(2, null, "the file has no accounts"));
        }

        return errors.Count > 0 ? ([], errors) : (accounts, errors);
    }
}
