using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Knowledge;

/// <summary>Registers the knowledge base and the question answerer, loaded once on first use.</summary>
public static partial class KnowledgeExtensions
{
    public static IHostApplicationBuilder AddKnowledgeBase(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KnowledgeOptions>().BindConfiguration(KnowledgeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var contentRoot = builder.Environment.ContentRootPath;
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<KnowledgeOptions>>().Value;
            var folder = options.Resolve(contentRoot, AppContext.BaseDirectory);
            var (kb, problems) = KnowledgeBase.Load(folder);
            var logger = services.GetRequiredService<ILogger<KnowledgeBase>>();
            LogLoaded(logger, kb.Entries.Count, kb.Catalog.Items.Count, folder);
            foreach (var problem in problems)
            {
                LogProblem(logger, problem.ToString());
            }

            return kb;
        });
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<KnowledgeOptions>>().Value;
            return new QuestionAnswerer(services.GetRequiredService<KnowledgeBase>(), options.AbstainBelow, options.RememberedAnswers);
        });
        // The files plus the approved drafts: what the conversation answers from.
        builder.Services.AddSingleton<Curation.CuratedKnowledge>();
        return builder;
    }

    /// <summary>The curation loop's decisions on drafts; needs <c>AddKnowledgeBase</c>, <c>AddStorage</c> and <c>AddAuditTrail</c>.</summary>
    public static IHostApplicationBuilder AddCuration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<Curation.KnowledgeDrafts>();
        return builder;
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Knowledge base: {Entries} entries, {Items} catalog items from {Folder}")]
    private static partial void LogLoaded(ILogger logger, int entries, int items, string folder);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Knowledge base problem: {Problem}")]
    private static partial void LogProblem(ILogger logger, string problem);
}
