using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Tasks;

public static class TaskExtensions
{
    /// <summary>Evidence tasks (settings under <c>Tasks</c>); needs the store and the audit trail.</summary>
    public static IHostApplicationBuilder AddEvidenceTasks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TaskOptions>().BindConfiguration(TaskOptions.SectionName);
        builder.Services.AddScoped<EvidenceTaskService>();
        builder.Services.AddScoped<TaskImport>();
        return builder;
    }
}
