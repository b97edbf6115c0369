using System.CommandLine;
using System.Globalization;
using System.Text;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;

namespace ChatCompliance.Bot.Cli;

/// <summary><c>audit verify</c>, <c>audit anchor</c> and <c>audit export</c>, on the store the application is configured with.</summary>
internal static partial class CommandLine
{
    private static Command AuditCommand()
    {
        var head = new Option<string?>("--head") { Description = "A head hash from an earlier export: also fail when the chain no longer contains it (entries deleted from the end)" };
        var anchors = new Option<string?>("--anchors") { Description = "An anchor file (JSON lines, as audit anchor writes): also fail when an anchored head no longer matches the chain" };
        var verify = new Command("verify", "Check the audit trail's MAC chain; exits 1 naming the first altered, inserted, deleted or unverifiable entry, or a mismatched anchor") { head, anchors };
        verify.SetAction((result, cancellationToken) => FailPolitelyAsync(() => VerifyAsync(result.GetValue(head), result.GetValue(anchors), cancellationToken)));
        var anchor = new Command("anchor", "Verify the chain, append its head to the anchor file (Audit:AnchorFile) and post it to the channels subscribed to audits");
        anchor.SetAction((_, cancellationToken) => FailPolitelyAsync(() => AnchorAsync(cancellationToken)));

        var from = new Option<string?>("--from") { Description = "First day of the period (yyyy-MM-dd)" };
        var to = new Option<string?>("--to") { Description = "Last day of the period (yyyy-MM-dd)" };
        var control = new Option<string?>("--control") { Description = "Only this control's tasks (its code)" };
        var framework = new Option<string?>("--framework") { Description = "Only tasks of controls mapped to soc2 or iso27001" };
        var reference = new Option<string?>("--ref") { Description = "With --framework: only controls mapped to this criterion or control, e.g. CC6.2 or A.5.18" };
        var format = new Option<string?>("--format") { Description = "csv or json (default: the --out file's extension)" };
        var output = new Option<string?>("--out") { Description = "The file to write (default: standard output)" };
        var export = new Command("export", "Write a period's evidence tasks and their audit-trail entries, with the chain's head hash, for an auditor")
        {
            from, to, control, framework, reference, format, output,
        };
        export.SetAction((result, cancellationToken) => FailPolitelyAsync(() => ExportAsync(
            new ExportOptions(result.GetValue(from), result.GetValue(to), result.GetValue(control), result.GetValue(framework),
                result.GetValue(reference), result.GetValue(format), result.GetValue(output)),
            cancellationToken)));

        return new Command("audit", "Audit-trail tools") { verify, anchor, export };
    }

    private static async Task<int> VerifyAsync(string? head, string? anchorFile, CancellationToken cancellationToken)
    {
        if (head is not null && !IsHash(head))
        {
            return await UsageAsync("--head is a hash of 64 hexadecimal digits, as an export records it");
        }

        if (anchorFile is not null && !File.Exists(anchorFile))
        {
            return await UsageAsync($"--anchors: there is no file {Path.GetFullPath(anchorFile)}");
        }

        using var host = await OpenStoreAsync(cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var keys = scope.ServiceProvider.GetRequiredService<AuditKeyRing>();
        var anchors = anchorFile is null ? null : AuditAnchorFile.Read(anchorFile);
        var report = await AuditChainVerifier.VerifyAsync(db, keys, head, anchors, cancellationToken);
        if (report.Intact)
        {
            Console.WriteLine(report.Summary);
            return 0;
        }

        await Console.Error.WriteLineAsync($"error: {report.Summary}");
        Console.WriteLine($"chain broken: {report.Entries} entries, head {report.HeadHash}");
        return 1;
    }

    private static async Task<int> AnchorAsync(CancellationToken cancellationToken)
    {
        using var host = await OpenStoreAsync(cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var anchorer = scope.ServiceProvider.GetRequiredService<AuditAnchorer>();
        var result = await anchorer.AnchorAsync(cancellationToken);
        if (!result.Chain.Intact)
        {
            await Console.Error.WriteLineAsync($"error: not anchored: {result.Chain.Summary}");
            Console.WriteLine($"alert queued for {result.Posted} channel(s)");
            return 1;
        }

        if (result.Anchor is not { } anchor)
        {
            Console.WriteLine("nothing to anchor: the audit trail is empty");
            return 0;
        }

        Console.WriteLine((result.Appended
                ? $"anchored entry {anchor.Sequence} (MAC {anchor.Mac}, key {anchor.KeyId ?? "none"}) in {anchorer.AnchorFile}"
                : $"entry {anchor.Sequence} is already the last anchor in {anchorer.AnchorFile}")
            + $"; queued for {result.Posted} channel(s)");
        return 0;
    }

    private sealed record ExportOptions(string? From, string? To, string? Control, string? Framework, string? Reference, string? Format, string? Output);

    private static async Task<int> ExportAsync(ExportOptions options, CancellationToken cancellationToken)
    {
        if (!TryDay(options.From, out var from) || !TryDay(options.To, out var to))
        {
            return await UsageAsync("--from and --to are needed, as dates like 2026-01-01");
        }

        if (!TryFramework(options.Framework, out var framework))
        {
            return await UsageAsync($"--framework is soc2 or iso27001, not {options.Framework}");
        }

        var toFile = options.Output is not null and not "-";
        var format = options.Format ?? (toFile ? Path.GetExtension(options.Output)?.TrimStart('.') : null);
        var json = string.Equals(format, "json", StringComparison.OrdinalIgnoreCase);
        if (!json && !string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
        {
            return await UsageAsync("--format is csv or json (or give --out a .csv or .json file)");
        }

        var request = new AuditExportRequest(from, to) { ControlCode = options.Control, Framework = framework, Reference = options.Reference };
        using var host = await OpenStoreAsync(cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        AuditExport export;
        try
        {
            export = await scope.ServiceProvider.GetRequiredService<AuditExporter>().ExportAsync(request, cancellationToken);
        }
        catch (AuditExportException e)
        {
            return await UsageAsync(e.Message);
        }

        await using (var stream = toFile ? File.Create(options.Output!) : Console.OpenStandardOutput())
        {
            if (json)
            {
                await AuditExportWriter.WriteJsonAsync(export, stream, cancellationToken);
            }
            else
            {
                await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
                await AuditExportWriter.WriteCsvAsync(export, writer, cancellationToken);
            }
        }

        // The file's summary goes where it does not mix with the export itself.
        var summary = $"{(toFile ? Path.GetFullPath(options.Output!) : "export")}: {export.Tasks.Count} evidence task(s) and {export.TrailEntries.Count} audit-trail entries, "
            + $"{options.From} to {options.To}, {export.Scope}; {export.Chain.Summary}";
        if (toFile)
        {
            Console.WriteLine(summary);
        }
        else
        {
            await Console.Error.WriteLineAsync(summary);
        }

        if (!export.Chain.Intact)
        {
            await Console.Error.WriteLineAsync($"error: the audit trail is not intact: {export.Chain.Summary}");
            return 1;
        }

        return 0;
    }

    /// <summary>The configured store, created and migrated as the web host does at start, with the audit trail's keys.</summary>
    private static async Task<IHost> OpenStoreAsync(CancellationToken cancellationToken)
    {
        var builder = NewHostBuilder();
        builder.AddStorage();
        builder.AddAuditTrail();
        var host = builder.Build();
        try
        {
            await StoreMigrator.MigrateAsync(host.Services, cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private static async Task<int> UsageAsync(string message)
    {
        await Console.Error.WriteLineAsync($"error: {message}");
        return 2;
    }

    private static bool TryDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    private static bool TryFramework(string? text, out Framework? framework)
    {
        framework = text is null ? null
            : text.Equals("soc2", StringComparison.OrdinalIgnoreCase) ? Framework.Soc2
            : text.Equals("iso27001", StringComparison.OrdinalIgnoreCase) ? Framework.Iso27001
            : null;
        return text is null || framework is not null;
    }

    private static bool IsHash(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigit);
}
