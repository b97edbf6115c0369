using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatCompliance.Bot.Manifests;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Knowledge;
using ChatCompliance.Core.Questions;
using ChatCompliance.Core.Storage;

namespace ChatCompliance.Bot.Cli;

/// <summary>The program's verbs: <c>ask</c>, <c>kb check</c>, <c>manifests pack</c>, <c>audit verify</c> and <c>audit export</c>. Anything else starts the web host.</summary>
internal static partial class CommandLine
{
    private static readonly string[] Verbs = ["ask", "kb", "manifests", "audit"];

    public static bool IsVerb(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var question = new Argument<string?>("question") { Description = "The question, in quotes", Arity = ArgumentArity.ZeroOrOne };
        var batch = new Option<bool>("--batch") { Description = "Read JSON lines {\"id\",\"question\"} on stdin, write JSON lines of answers on stdout" };
        var noRecord = new Option<bool>("--no-record") { Description = "Do not record the questions in the store" };
        var ask = new Command("ask", "Answer a SOC 2 / ISO 27001 question from the knowledge base") { question, batch, noRecord };
        ask.SetAction((result, cancellationToken) => FailPolitelyAsync(() => AskAsync(result.GetValue(question), result.GetValue(batch), !result.GetValue(noRecord), cancellationToken)));

        var folder = new Argument<string?>("folder") { Description = "The knowledge/ folder (default: the nearest one)", Arity = ArgumentArity.ZeroOrOne };
        var check = new Command("check", "Validate the knowledge base; exits 1 on any problem") { folder };
        check.SetAction((result, _) => FailPolitelyAsync(() => Task.FromResult(Check(result.GetValue(folder)))));
        var kb = new Command("kb", "Knowledge-base tools") { check };

        // Required-ness is checked by the verb itself, so a missing option is exit code 2 with one line, like a bad one.
        var appId = new Option<string?>("--app-id") { Description = "The bot's Microsoft App ID (a GUID): the app's id and its bot's botId" };
        var host = new Option<string?>("--host") { Description = "The bot's public host name, e.g. bot.example.com (no scheme, path or port)" };
        var output = new Option<string>("--output") { Description = "Where to write the app package", DefaultValueFactory = _ => "teams-app.zip" };
        var pack = new Command("pack", "Fill in manifests/teams/manifest.json and zip it with its icons, for upload to Teams") { appId, host, output };
        pack.SetAction((result, cancellationToken) => FailPolitelyAsync(() => PackAsync(result.GetValue(appId), result.GetValue(host), result.GetValue(output)!, cancellationToken)));
        var manifests = new Command("manifests", "Teams app manifest tools") { pack };

        var root = new RootCommand("ChatCompliance: run without a verb to start the web host") { ask, kb, manifests, AuditCommand() };
        return await root.Parse(args).InvokeAsync();
    }

    /// <summary>A bad setting or a missing folder is one line on stderr and exit code 1, not a stack trace.</summary>
    private static async Task<int> FailPolitelyAsync(Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (Exception e) when (e is StorageStartupException or DirectoryNotFoundException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"fail: {e.Message}");
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

    private static async Task<int> PackAsync(string? appId, string? host, string output, CancellationToken cancellationToken)
    {
        var template = TeamsAppPackage.FindTemplate(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
        var schema = TeamsAppPackage.FindSchema(template);
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
            await Console.Error.WriteLineAsync($"error: {Path.Combine(template, TeamsAppPackage.ManifestFile)} does not match {schema}: {error}");
        }

        if (errors.Count > 0)
        {
            return 1;
        }

        if (schema is null)
        {
            await Console.Error.WriteLineAsync($"note: {TeamsAppPackage.SchemaFile} not found in a shared/reference/schemas/ above {template}; the manifest was not validated");
        }

        Console.WriteLine($"{Path.GetFullPath(output)}: {string.Join(", ", TeamsAppPackage.Files)} from {template}{(schema is null ? "" : ", manifest valid against " + schema)}");
        return 0;
    }

    private static async Task<int> AskAsync(string? question, bool batch, bool record, CancellationToken cancellationToken)
    {
        if (!batch && string.IsNullOrWhiteSpace(question))
        {
            Console.Error.WriteLine("usage: ask \"question\"  |  ask --batch < questions.jsonl");
            return 2;
        }

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
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
