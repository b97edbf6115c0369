using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.DataProtection;

namespace ChatCompliance.Bot.Hosting;

/// <summary>
/// The keys that protect the dashboard's sign-in cookie live with the application's data (<c>{Storage:DataDirectory}/keys</c>,
/// or <c>DataProtection:KeysDirectory</c>), not in a home folder that a container loses: a restart keeps people signed in.
/// </summary>
internal static class DataProtectionKeys
{
    public const string KeysDirectoryKey = "DataProtection:KeysDirectory";

    public static IHostApplicationBuilder AddDataProtectionKeys(this IHostApplicationBuilder builder)
    {
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var folder = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath,
            builder.Configuration[KeysDirectoryKey] is { Length: > 0 } configured ? configured : Path.Combine(storage.DataDirectory, "keys")));
        builder.Services.AddDataProtection().SetApplicationName("ChatCompliance").PersistKeysToFileSystem(new DirectoryInfo(folder));
        return builder;
    }
}
