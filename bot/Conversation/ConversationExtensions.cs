using ChatCompliance.Bot.Teams;

namespace ChatCompliance.Bot.Conversation;

internal static class ConversationExtensions
{
    /// <summary>The platform-neutral conversation and what it needs.</summary>
    public static IHostApplicationBuilder AddConversation(this IHostApplicationBuilder builder)
    {
        if (builder.Services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            builder.Services.AddSingleton(TimeProvider.System);
        }

        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AskingLimits>();
        builder.Services.AddSingleton<QuestionWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<QuestionWriter>());
        builder.Services.AddSingleton<KnownConversations>();
        builder.Services.AddScoped<ConversationService>();
        builder.Services.AddScoped<ConversationReplies>();
        builder.Services.AddScoped<TopicMemory>();
        builder.Services.AddScoped<TaskConversation>();
        builder.Services.AddScoped<ReviewConversation>();
        builder.Services.AddScoped<SubscriptionConversation>();
        builder.Services.AddScoped<AuditConversation>();
        builder.Services.AddScoped<JobConversation>();
        builder.Services.AddScoped<DraftConversation>();
        builder.Services.AddScoped<OutboxConversation>();
        builder.Services.AddScoped<Slack.SlackAdapter>();
        return builder;
    }
}
