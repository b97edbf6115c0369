using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Reviews;

public static class ReviewExtensions
{
    /// <summary>Access reviews (settings under <c>Reviews</c>); needs the store, the audit trail and an <see cref="IAccessDirectory"/>.</summary>
    public static IHostApplicationBuilder AddAccessReviews(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReviewOptions>().BindConfiguration(ReviewOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddScoped<CampaignLauncher>();
        builder.Services.AddScoped<PopulationDeltaKeeper>();
        builder.Services.AddScoped<ReviewDecisions>();
        builder.Services.AddScoped<CampaignCompletion>();
        builder.Services.AddScoped<CampaignReporter>();
        return builder;
    }
}
