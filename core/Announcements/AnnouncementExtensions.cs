using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Announcements;

public static class AnnouncementExtensions
{
    /// <summary>The audit calendar's commands and the channels' subscriptions; needs the store and the audit trail.</summary>
    public static IHostApplicationBuilder AddAuditCalendar(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditBookings>();
        builder.Services.AddScoped<ChannelSubscriptions>();
        return builder;
    }
}
