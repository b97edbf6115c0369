using System.Text.Json;
using ChatCompliance.Bot.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChatCompliance.Bot.Health;

/// <summary><c>GET /healthz</c>: the overall status for anyone; the store's and the job server's details for an admin.</summary>
internal static class HealthEndpoints
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteAsync });
        return endpoints;
    }

    /// <summary>Anyone sees the status; only an admin (admin-API key or token) sees each check, with the store's location.</summary>
    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var caller = await context.AuthenticateAsync(AdminApiAuthentication.Scheme);
        if (caller.Principal?.IsInRole(AdminRoles.Admin) != true)
        {
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = report.Status.ToString() }, Json));
            return;
        }

        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString(), description = e.Value.Description, data = e.Value.Data }),
        };
        await context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
