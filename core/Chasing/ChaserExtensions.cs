using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Chasing;

public static class ChaserExtensions
{
    /// <summary>The evidence chaser (settings under <c>Chaser</c>, validated at start); needs the store, access reviews and an <see cref="Reviews.IAccessDirectory"/>.</summary>
    public static IHostApplicationBuilder AddEvidenceChaser(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChaserOptions>().BindConfiguration(ChaserOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<EvidenceChaser>();
        return builder;
    }
}
