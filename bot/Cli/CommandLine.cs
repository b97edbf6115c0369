using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatCompliance.Bot.Api.ApiKeys;
using ChatCompliance.Bot.Hosting;
using ChatCompliance.Bot.Manifests;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Controls;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Questions;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Cli;

/// <summary>
/// The program's verbs: <c>ask</c>, <c>kb check</c>, <c>manifests pack</c>, <c>controls import|export</c>,
/// <c>apikey create|list|revoke</c>, <c>audit verify</c>, <c>audit anchor</c> and <c>audit export</c>. Anything else starts the web host.
/// </summary>
internal static partial class CommandLine
{
    /// <summary>Exit codes, the same for every verb: done, failed (a bad file, a broken chain, a refused row), or misused.</summary>
    public const int Ok = 0, Failed = 1, Usage = 2;

    private static readonly string[] Verbs = ["ask", "kb", "manifests", "controls", "apikey", "audit", "jobs", "help", "--help", "-h", "-?"];

    /// <summary>The configuration switches given with the verb (<c>--Storage:DataDirectory x</c>, <c>--environment</c> …), as the web host reads them.</summary>
    private static string[] _settings = [];

    /// <summary>
    /// True when the program was asked for a verb (or for help) rather than to serve: the first argument that is not a
    /// configuration switch. Any other word is treated as a verb too, so a typo gets usage instead of a web host.
    /// </summary>
    public static bool IsVerb(string[] args) => HostSwitches.Split(args).Verb is [var first, ..] && (Verbs.Contains(first, StringComparer.Ordinal) || !first.StartsWith('-'));

    public static async Task<int> RunAsync(string[] args)
    {
        (_settings, var verb) = HostSwitches.Split(args);
        if (verb is ["help", .. var topic])
        {
            verb = [.. topic.Where(word => word is not ("--help" or "-h" or "-?")), "--help"]; // help, help controls, help controls import
        }

        var question = new Argument<string?>("question") { Description = "The question, in quotes", Arity = ArgumentArity.ZeroOrOne };
        var batch = new Option<bool>("--batch") { Description = "Read JSON lines {\"id\",\"question\"} on stdin, write JSON lines of answers on stdout" };
        var noRecord = new Option<bool>("--no-record") { Description = "Do not record the questions in the store" };
        var ask = new Command("ask", "Answer a SOC 2 / ISO 27001 question from the knowledge base") { question, batch, noRecord };
        ask.SetAction((result, cancellationToken) => FailPolitelyAsync(() => AskAsync(result.GetValue(question), result.GetValue(batch), !result.GetValue(noRecord), cancellationToken)));

        var folder = new Argument<string?>("folder") { Description = "The knowledge/ folder (default: the nearest one)", Arity = ArgumentArity.ZeroOrOne };
        var check = new Command("check", "Validate the knowledge base; exits 1 on any problem") { folder };
        check.SetAction((result, _) => FailPolitelyAsync(() => Task.FromResult(Check(result.GetValue(folder)))));
        var exportFolder = new Argument<string?>("folder") { Description = "The knowledge/ folder to write entries/<id>.md into (default: the nearest one)", Arity = ArgumentArity.ZeroOrOne };
        var exportDrafts = new Command("export-drafts", "Write the approved knowledge-base drafts as entry files; says what kb check still needs of each") { exportFolder };
        exportDrafts.SetAction((result, cancellationToken) => FailPolitelyAsync(() => ExportDraftsAsync(result.GetValue(exportFolder), cancellationToken)));
        var kb = new Command("kb", "Knowledge-base tools") { check, exportDrafts };

        // Required-ness is checked by the verb itself, so a missing option is exit code 2 with one line, like a bad one.
        var appId = new Option<string?>("--app-id") { Description = "The bot's Microsoft App ID (a GUID): the app's id and its bot's botId" };
        var host = new Option<string?>("--host") { Description = "The bot's public host name, e.g. bot.example.com (no scheme, path or port)" };
        var output = new Option<string>("--output") { Description = "Where to write the app package", DefaultValueFactory = _ => "teams-app.zip" };
        var pack = new Command("pack", "Fill in manifests/teams/manifest.json and zip it with its icons, for upload to Teams") { appId, host, output };
        pack.SetAction((result, cancellationToken) => FailPolitelyAsync(() => PackAsync(result.GetValue(appId), result.GetValue(host), result.GetValue(output)!, cancellationToken)));
        var manifests = new Command("manifests", "Teams app manifest tools") { pack };

        var file = new Argument<string>("file") { Description = $"The CSV file, with the columns {string.Join(",", ControlCsv.Columns)}" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check every row and report what would change; import nothing" };
        var import = new Command("import", "Import the control register from CSV: every row, or none when any row is bad") { file, dryRun };
        import.SetAction((result, cancellationToken) => FailPolitelyAsync(() => ImportControlsAsync(result.GetValue(file)!, result.GetValue(dryRun), cancellationToken)));
        var exportTo = new Option<string?>("--out") { Description = "Where to write the CSV (default: standard output)" };
        var export = new Command("export", "Export the control register as CSV, in the import's columns") { exportTo };
        export.SetAction((result, cancellationToken) => FailPolitelyAsync(() => ExportControlsAsync(result.GetValue(exportTo), cancellationToken)));
        var controls = new Command("controls", "The control register") { import, export };

        var keyName = new Option<string?>("--name") { Description = "What the key is for, e.g. ci or grc-sync" };
        var keyRole = new Option<string?>("--role") { Description = "lead (reads; controls, tasks, audits) or admin (also people and keys)" };
        var create = new Command("create", "Make an admin-API key and print it once") { keyName, keyRole };
        create.SetAction((result, cancellationToken) => FailPolitelyAsync(() => CreateKeyAsync(result.GetValue(keyName), result.GetValue(keyRole), cancellationToken)));
        var list = new Command("list", "List the keys (never their secrets)");
        list.SetAction((_, cancellationToken) => FailPolitelyAsync(() => ListKeysAsync(cancellationToken)));
        var keyId = new Argument<string>("id") { Description = "The key's id, as apikey list shows it" };
        var revoke = new Command("revoke", "Revoke a key; it never authenticates again") { keyId };
        revoke.SetAction((result, cancellationToken) => FailPolitelyAsync(() => RevokeKeyAsync(result.GetValue(keyId)!, cancellationToken)));
        var apikey = new Command("apikey", "Admin-API keys") { create, list, revoke };

        var root = new RootCommand(
            "ChatCompliance: run without a verb to start the web host. Every verb also takes the server's configuration switches "
            + "(--Storage:DataDirectory <dir>, --ConnectionStrings:Postgres <cs>, --environment <name>, …). Exit codes: 0 done, 1 failed, 2 usage.")
        {
            ask, kb, manifests, controls, apikey, AuditCommand(), JobsCommand(),
        };
        var parsed = root.Parse(verb);
        if (parsed.Errors.Count > 0)
        {
            // Usage goes to standard error with its own exit code, so a script never parses it as output.
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            var command = string.Join(' ', parsed.CommandResult.Command is RootCommand ? [] : CommandPath(parsed.CommandResult));
            await Console.Error.WriteLineAsync(command.Length == 0 ? "usage: see `help` (or `--help`) for the verbs" : $"usage: see `{command} --help`");
            return Usage;
        }

        return await parsed.InvokeAsync();
    }

    private static Stack<string> CommandPath(System.CommandLine.Parsing.SymbolResult? result)
    {
        var names = new Stack<string>();
        for (var node = result; node is not null; node = node.Parent)
        {
            if (node is System.CommandLine.Parsing.CommandResult { Command: not RootCommand } command)
            {
                names.Push(command.Command.Name);
            }
        }

        return names;
    }

    /// <summary>A host for a verb: the web host's configuration (appsettings, environment variables, the given switches) and environment.</summary>
    private static HostApplicationBuilder NewHostBuilder()
    {
        var given = new ConfigurationBuilder().AddCommandLine(_settings).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = _settings,
            // The web host's environment variable decides here too (dotnet run sets --environment itself): the same keys, the same files.
            EnvironmentName = given[HostDefaults.EnvironmentKey] is null ? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") : null,
        });
        builder.UseSettingsBesideProgram();
        builder.Logging.ClearProviders(); // a verb's standard output is its own
        return builder;
    }

    /// <summary>A bad setting or a missing folder is one line on stderr and exit code 1, not a stack trace.</summary>
    private static async Task<int> FailPolitelyAsync(Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (Exception e) when (e is StorageStartupException or DirectoryNotFoundException or FileNotFoundException or AuditAnchorFileException or RefusedInputException)
        {
            await Console.Error.WriteLineAsync($"fail: {e.Message}");
            return 1;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"fail: {string.Join(" ", e.Failures)}");
            return 1;
        }
    }

    private static int Check(string? path)
    {
        var folder = new KnowledgeOptions { Path = path }.Resolve(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        var (kb, problems) = KnowledgeBase.Load(folder);
        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"error: {problem}");
        }

        Console.WriteLine($"{folder}: {kb.Entries.Count} entries, {kb.Catalog.Items.Count} catalog items, {kb.Catalog.Crosswalk.Count} crosswalk pairs, {problems.Count} problem(s)");
        return problems.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>kb export-drafts</c>: every approved draft becomes <c>entries/&lt;id&gt;.md</c> (an existing file is left alone).
    /// A draft is written as it is; what <c>kb check</c> still needs before the file can be committed (four phrasings, a
    /// catalog reference, the primary source's address) is listed on standard error, and the exit code is 1 while any is missing.
    /// </summary>
    private static async Task<int> ExportDraftsAsync(string? path, CancellationToken cancellationToken)
    {
        var folder = new KnowledgeOptions { Path = path }.Resolve(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        using var host = await StoreHostAsync(controls: false, cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var approved = await db.KnowledgeDrafts.AsNoTracking().Where(d => d.Status == DraftStatus.Approved).ToListAsync(cancellationToken);
        var exported = Core.Curation.DraftExport.Write(approved.OrderBy(d => d.EntryId, StringComparer.Ordinal), folder);
        foreach (var draft in exported)
        {
            Console.WriteLine($"{(draft.Written ? "wrote" : "kept (already there)")} {draft.File}");
            foreach (var missing in draft.Missing)
            {
                await Console.Error.WriteLineAsync($"todo: entries/{draft.EntryId}.md: {missing}");
            }
        }

        var incomplete = exported.Count(d => d.Missing.Count > 0);
        Console.WriteLine($"{folder}: {exported.Count} approved draft(s), {exported.Count(d => d.Written)} written, {incomplete} still need something before kb check accepts them");
        return incomplete == 0 ? 0 : 1;
    }

    private static async Task<int> PackAsync(string? appId, string? host, string output, CancellationToken cancellationToken)
    {
        var template = TeamsAppPackage.FindTemplate(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        var schema = await TeamsManifestSchema.LoadBundledAsync(cancellationToken);
        IReadOnlyList<string> errors;
        try
        {
            errors = await TeamsAppPackage.PackAsync(template, appId, host, output, schema, cancellationToken);
        }
        catch (PackageOptionException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }

        foreach (var error in errors)
        {
            await Console.Error.WriteLineAsync($"error: {Path.Combine(template, TeamsAppPackage.ManifestFile)} does not match {schema.Source}: {error}");
        }

        if (errors.Count > 0)
        {
            return 1;
        }

        Console.WriteLine($"{Path.GetFullPath(output)}: {string.Join(", ", TeamsAppPackage.Files)} from {template}, manifest valid against {schema.Source}");
        return 0;
    }

    /// <summary>Who the audit trail names for a CLI change: the operating-system user who ran it.</summary>
    private static TaskActor CliActor => new(null, Platform.Cli, Environment.UserName);

    /// <summary>A host with the store (migrated) and what the store verbs need; logging off, so output is only the verb's.</summary>
    private static async Task<IHost> StoreHostAsync(bool controls, CancellationToken cancellationToken)
    {
        var builder = NewHostBuilder();
        builder.AddStorage();
        builder.AddApiKeys();
        if (controls)
        {
            builder.AddKnowledgeBase();
            builder.AddControlRegister();
        }

        var host = builder.Build();
        await StoreMigrator.MigrateAsync(host.Services, cancellationToken);
        return host;
    }

    private static async Task<int> ImportControlsAsync(string file, bool dryRun, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new FileNotFoundException($"there is no file {Path.GetFullPath(file)}");
        }

        using var host = await StoreHostAsync(controls: true, cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        ControlImportReport report;
        await using (var input = File.OpenRead(file))
        {
            report = await scope.ServiceProvider.GetRequiredService<ControlRegister>().ImportAsync(input, dryRun, CliActor, cancellationToken);
        }

        foreach (var error in report.Errors)
        {
            await Console.Error.WriteLineAsync($"error: {file}: {error}");
        }

        if (!report.IsValid)
        {
            await Console.Error.WriteLineAsync($"{file}: {report.Errors.Count} problem(s) in {report.Rows} row(s); nothing was imported");
            return 1;
        }

        var people = report.PeopleCreated.Count == 0 ? "" : $"; new people: {string.Join(", ", report.PeopleCreated)}";
        Console.WriteLine($"{file}: {report.Rows} row(s): {report.Created.Count} new, {report.Updated.Count} changed, {report.Unchanged.Count} unchanged{people}"
            + (dryRun ? " (dry run: nothing was imported)" : ""));
        return 0;
    }

    private static async Task<int> ExportControlsAsync(string? path, CancellationToken cancellationToken)
    {
        using var host = await StoreHostAsync(controls: true, cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var register = scope.ServiceProvider.GetRequiredService<ControlRegister>();
        if (path is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await register.ExportAsync(stdout, cancellationToken);
            return 0;
        }

        int count;
        await using (var output = File.Create(path))
        {
            count = await register.ExportAsync(output, cancellationToken);
        }

        Console.WriteLine($"{Path.GetFullPath(path)}: {count} control(s)");
        return 0;
    }

    private static async Task<int> CreateKeyAsync(string? name, string? role, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > ApiKeyService.MaxNameLength)
        {
            await Console.Error.WriteLineAsync($"error: --name is required (1 to {ApiKeyService.MaxNameLength} characters)");
            return 2;
        }

        if (!ApiKeysApi.TryParseRole(role, out var parsed))
        {
            await Console.Error.WriteLineAsync("error: --role must be lead or admin");
            return 2;
        }

        using var host = await StoreHostAsync(controls: false, cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(name, parsed, "cli", CliActor, cancellationToken);
        Console.WriteLine($"API key '{created.Key.Name}' ({ApiKeysApi.RoleName(created.Key.Role)}), id {created.Key.Id:N}:");
        Console.WriteLine(created.Token);
        Console.WriteLine("Copy it now: it is not stored and cannot be shown again. Use it as Authorization: Bearer <key>.");
        return 0;
    }

    private static async Task<int> ListKeysAsync(CancellationToken cancellationToken)
    {
        using var host = await StoreHostAsync(controls: false, cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().ListAsync(cancellationToken);
        Console.WriteLine($"{"id",-32}  {"role",-5}  {"created",-20}  {"last used",-20}  {"revoked",-20}  name");
        foreach (var key in keys)
        {
            Console.WriteLine($"{key.Id:N}  {ApiKeysApi.RoleName(key.Role),-5}  {Time(key.CreatedAt),-20}  {Time(key.LastUsedAt),-20}  {Time(key.RevokedAt),-20}  {key.Name}");
        }

        return 0;

        static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd HH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture) ?? "-";
    }

    private static async Task<int> RevokeKeyAsync(string id, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var keyId))
        {
            await Console.Error.WriteLineAsync($"error: '{id}' is not a key id (apikey list shows them)");
            return 2;
        }

        using var host = await StoreHostAsync(controls: false, cancellationToken);
        await using var scope = host.Services.CreateAsyncScope();
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(keyId, CliActor, cancellationToken);
        if (key is null)
        {
            await Console.Error.WriteLineAsync($"error: no API key has the id {id}");
            return 1;
        }

        Console.WriteLine($"API key '{key.Name}' ({key.Id:N}) revoked at {key.RevokedAt:u}");
        return 0;
    }

    private static async Task<int> AskAsync(string? question, bool batch, bool record, CancellationToken cancellationToken)
    {
        if (!batch && string.IsNullOrWhiteSpace(question))
        {
            Console.Error.WriteLine("usage: ask \"question\"  |  ask --batch < questions.jsonl");
            return 2;
        }

        var builder = NewHostBuilder();
        builder.AddKnowledgeBase();
        if (record)
        {
            builder.AddStorage();
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddScoped<QuestionLog>();
        }

        using var host = builder.Build();
        if (record)
        {
            await StoreMigrator.MigrateAsync(host.Services, cancellationToken);
        }

        var answerer = host.Services.GetRequiredService<QuestionAnswerer>();
        if (!batch)
        {
            var answer = answerer.Answer(question);
            await RecordAsync(host.Services, record, question!, answer, cancellationToken);
            Print(answer);
            return 0;
        }

        string? line;
        while ((line = await Console.In.ReadLineAsync(cancellationToken)) is not null)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            BatchQuestion? input;
            try
            {
                input = JsonSerializer.Deserialize(line, CliJson.Default.BatchQuestion);
            }
            catch (JsonException e)
            {
                Console.WriteLine(JsonSerializer.Serialize(new BatchError(null, $"not a JSON object with a question: {e.Message}"), CliJson.Default.BatchError));
                continue;
            }

            if (TextRule.StorageProblem(input?.Question, "question") is { } refused)
            {
                Console.WriteLine(JsonSerializer.Serialize(new BatchError(input?.Id, refused), CliJson.Default.BatchError));
                continue;
            }

            var answer = answerer.Answer(input?.Question);
            await RecordAsync(host.Services, record, input?.Question ?? "", answer, cancellationToken);
            var output = new BatchAnswer(input?.Id, answer.Text, answer.EntryId,
                [.. answer.References.Select(r => r.Ref)], [.. answer.Sources.Select(s => s.Url)], answer.Confidence, answer.Abstained);
            Console.WriteLine(JsonSerializer.Serialize(output, CliJson.Default.BatchAnswer));
        }

        return 0;
    }

    private static async Task RecordAsync(IServiceProvider services, bool record, string question, KnowledgeAnswer answer, CancellationToken cancellationToken)
    {
        if (!record || string.IsNullOrWhiteSpace(question))
        {
            return;
        }

        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<QuestionLog>().RecordAsync(question, answer, Platform.Cli, cancellationToken: cancellationToken);
    }

    private static void Print(KnowledgeAnswer answer)
    {
        Console.WriteLine(answer.Title);
        Console.WriteLine();
        Console.WriteLine(answer.Text);
        if (answer.References.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("References: " + string.Join("; ", answer.References.Select(r => $"{r.Ref} {r.Title}")));
        }

        foreach (var source in answer.Sources)
        {
            Console.WriteLine($"Source: {source.Title} <{source.Url}>");
        }

        if (answer.Related.Count > 0)
        {
            Console.WriteLine("Related: " + string.Join(" | ", answer.Related.Select(r => r.Title)));
        }

        Console.WriteLine($"Confidence: {answer.Confidence:0.00}{(answer.Abstained ? " (abstained)" : "")}{(answer.EntryId is null ? "" : $" · entry {answer.EntryId}")}");
    }
}

internal sealed record BatchQuestion(JsonElement? Id, string? Question);

internal sealed record BatchAnswer(
    JsonElement? Id, string Answer, string? Entry, IReadOnlyList<string> Refs, IReadOnlyList<string> Sources, double Confidence, bool Abstained);

internal sealed record BatchError(JsonElement? Id, string Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(BatchQuestion))]
[JsonSerializable(typeof(BatchAnswer))]
[JsonSerializable(typeof(BatchError))]
internal sealed partial class CliJson : JsonSerializerContext;
