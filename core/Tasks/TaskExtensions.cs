using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace ChatCompliance.Core.Tasks;

public static class TaskExtensions
{
    /// <summary>Evidence tasks (settings under <c>Tasks</c>); needs the store and the audit trail.</summary>
    public static IHostApplicationBuilder AddEvidenceTasks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TaskOptions>().BindConfiguration(TaskOptions.SectionName);
        builder.Services.TryAddSingleton<Outbox.OutboxSignal>();
        builder.Services.AddScoped<TaskMessages>();
        builder.Services.AddScoped<EvidenceTaskService>();
        builder.Services.AddScoped<TaskImport>();
        return builder;
    }
}

public static class EvidenceTaskQueries
{
    /// <summary>Tasks with what a card, an API answer or an export shows: the control, the owner and the delegate.</summary>
    public static IQueryable<Domain.EvidenceTask> WithControlAndPeople(this IQueryable<Domain.EvidenceTask> tasks) =>
        tasks.Include(t => t.Control).Include(t => t.Owner).Include(t => t.Delegate);
}
