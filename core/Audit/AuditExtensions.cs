using System.Security.Cryptography;
using ChatCompliance.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Audit;

/// <summary>Registers the audit trail, its keys, the anchorer and the auditor's export.</summary>
public static partial class AuditExtensions
{
    /// <summary>
    /// Adds <see cref="AuditTrail"/>, <see cref="AuditKeyRing"/> (from <c>Audit:Keys</c> and <c>Audit:CurrentKeyId</c>, checked
    /// at start), <see cref="AuditAnchorer"/> and <see cref="AuditExporter"/>; needs the store. In Development, with no
    /// key configured, a key is generated once into the data directory (<c>Audit:LocalKeyFile</c>) and used.
    /// </summary>
    public static IHostApplicationBuilder AddAuditTrail(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(AuditKeyRing)))
        {
            return builder; // registered already (the CLI's verbs each ask for it)
        }

        var environment = builder.Environment;
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var dataDirectory = Path.GetFullPath(Path.Combine(environment.ContentRootPath, storage.DataDirectory));
        builder.Services.AddOptions<AuditOptions>()
            .BindConfiguration(AuditOptions.SectionName)
            .PostConfigure<ILoggerFactory>((options, loggers) =>
            {
                options.AnchorFile = Path.GetFullPath(Path.Combine(environment.ContentRootPath,
                    string.IsNullOrWhiteSpace(options.AnchorFile) ? Path.Combine(dataDirectory, "audit-anchors.jsonl") : options.AnchorFile));
                options.LocalKeyFile = Path.GetFullPath(Path.Combine(environment.ContentRootPath,
                    string.IsNullOrWhiteSpace(options.LocalKeyFile) ? Path.Combine(dataDirectory, "audit-key") : options.LocalKeyFile));
                if (options.Keys.Count == 0 && environment.IsDevelopment())
                {
                    options.Keys[AuditOptions.LocalKeyId] = LocalKey(options.LocalKeyFile, loggers.CreateLogger<AuditTrail>());
                    options.CurrentKeyId ??= AuditOptions.LocalKeyId;
                }
            })
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditKeyRing>();
        builder.Services.TryAddSingleton<AuditTrail>();
        builder.Services.AddScoped<AuditAnchorer>();
        builder.Services.AddScoped<AuditExporter>();
        builder.Services.TryAddScoped<ChangeRecorder>();
        // Separation of duties is judged where tasks and reviews are decided, and its settings are audited at start.
        builder.Services.AddOptions<Duties.SeparationOfDutiesOptions>().BindConfiguration(Duties.SeparationOfDutiesOptions.SectionName);
        return builder;
    }

    /// <summary>The Development key in <paramref name="path"/>, generated (32 random bytes, base64) the first time.</summary>
    private static string LocalKey(string path, ILogger logger)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var writer = new StreamWriter(path, options);
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                LogLocalKeyCreated(logger, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }
        else
        {
            LogLocalKeyUsed(logger, path);
        }

        return File.ReadAllText(path).Trim();
    }

    // Information, not a warning: this happens only in Development, where a generated key is the intended set-up.
    [LoggerMessage(EventId = 1701, Level = LogLevel.Information,
        Message = "Audit:Keys is not set: generated the audit trail's MAC key into {Path} (Development only; key id 'local'). Production needs Audit:Keys:{{id}} and Audit:CurrentKeyId, from an environment variable or a secret store; never commit the key")]
    private static partial void LogLocalKeyCreated(ILogger logger, string path);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information,
        Message = "Audit:Keys is not set: the audit trail is MACed with the Development key in {Path} (key id 'local')")]
    private static partial void LogLocalKeyUsed(ILogger logger, string path);
}
