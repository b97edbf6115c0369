using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Questions;

public static class QuestionExtensions
{
    /// <summary>Questions passed to the compliance leads and their answers; needs the store.</summary>
    public static IHostApplicationBuilder AddQuestionHandOffs(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<Outbox.OutboxSignal>();
        builder.Services.AddScoped<QuestionHandOffs>();
        return builder;
    }
}
