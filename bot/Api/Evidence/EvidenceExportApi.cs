using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;

namespace ChatCompliance.Bot.Api.Evidence;

/// <summary>
/// <c>GET /api/v1/evidence/export</c>: what <c>audit export</c> writes, over HTTP: the period's evidence tasks, their
/// audit-trail entries, and the chain's head and verification, for one control or framework, as CSV or JSON.
/// </summary>
internal static class EvidenceExportApi
{
    public static RouteGroupBuilder MapEvidenceExportApi(this RouteGroupBuilder api)
    {
        api.MapGet("/evidence/export", ExportAsync).WithTags("Evidence")
            .WithSummary("Auditor's evidence for a period: from, to (yyyy-mm-dd), optional control, or framework (soc2|iso27001) with ref; format csv|json");
        return api;
    }

    private static async Task<IResult> ExportAsync(HttpContext http, AuditExporter exporter, DateOnly? from, DateOnly? to, string? control,
        string? framework, string? @ref, string? format, CancellationToken cancellationToken)
    {
        var validation = new ApiValidation()
            .Add("from", from is null ? "from is required (yyyy-mm-dd)" : null)
            .Add("to", to is null ? "to is required (yyyy-mm-dd)" : from > to ? "to is before from" : null)
            .Add("framework", framework is null or "soc2" or "iso27001" ? null : "framework is soc2 or iso27001")
            .Add("control", control is not null && framework is not null ? "give either control or framework, not both" : null)
            .Add("ref", @ref is not null && framework is null ? "ref needs a framework" : null)
            .Add("format", format is null or "csv" or "json" ? null : "format is csv or json");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        AuditExport export;
        try
        {
            export = await exporter.ExportAsync(new AuditExportRequest(from!.Value, to!.Value)
            {
                ControlCode = control,
                Framework = framework switch { "soc2" => Framework.Soc2, "iso27001" => Framework.Iso27001, _ => null },
                Reference = @ref,
            }, cancellationToken);
        }
        catch (AuditExportException e)
        {
            return new ApiValidation().Add("request", e.Message).Problem();
        }

        return await ApiDownloads.WriteAsync(http, $"evidence-{from:yyyy-MM-dd}-{to:yyyy-MM-dd}", format,
            (stream, ct) => AuditExportWriter.WriteJsonAsync(export, stream, ct), (writer, ct) => AuditExportWriter.WriteCsvAsync(export, writer, ct), cancellationToken);
    }
}
