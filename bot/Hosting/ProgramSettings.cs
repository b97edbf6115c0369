using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ChatCompliance.Bot.Hosting;

/// <summary>
/// The program's own <c>appsettings*.json</c> apply wherever it is started from: the content root (the working
/// directory) keeps the files it has, and the ones it lacks are read from beside the program. <c>dotnet run</c> starts
/// the program in the caller's directory, so that relative paths mean what the caller typed.
/// </summary>
internal static class ProgramSettings
{
    public static TBuilder UseSettingsBesideProgram<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var sources = builder.Configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource { Path: { } path } json
                && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase)
                && !File.Exists(Path.Combine(builder.Environment.ContentRootPath, path))
                && File.Exists(Path.Combine(AppContext.BaseDirectory, path)))
            {
                sources[i] = new JsonConfigurationSource
                {
                    Path = path,
                    Optional = json.Optional,
                    ReloadOnChange = json.ReloadOnChange,
                    FileProvider = new PhysicalFileProvider(AppContext.BaseDirectory),
                };
            }
        }

        return builder;
    }
}
