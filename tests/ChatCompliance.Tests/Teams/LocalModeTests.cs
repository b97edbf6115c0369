using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChatCompliance.Tests.Host;
using ChatCompliance.Tests.Infrastructure;

namespace ChatCompliance.Tests.Teams;

/// <summary>With no app id, the endpoint serves local tools (Agents Playground, Emulator) without tokens.</summary>
[Collection(AppCollection.Name)]
public sealed class LocalModeTests : IDisposable
{
    private readonly BotFrameworkFakes _fakes = new();
    private readonly string _data = Directory.CreateTempSubdirectory("cc-local-").FullName;

    [Fact]
    public async Task Without_an_app_id_messages_are_answered_without_a_token_and_without_outbound_auth()
    {
        var settings = _fakes.Settings(authenticated: false);
        settings["Storage:DataDirectory"] = _data;
        await using var app = new ComplianceApp(settings);
        using var client = app.CreateClient();
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["id"] = "1",
            ["channelId"] = "msteams",
            ["serviceUrl"] = _fakes.ServiceUrl,
            ["from"] = new JsonObject { ["id"] = "user-id-0" },
            ["recipient"] = new JsonObject { ["id"] = "bot" },
            ["conversation"] = new JsonObject { ["id"] = "personal-chat-id" },
            ["text"] = "what is cc6.1",
        };

        var response = await client.PostAsync(new Uri("/api/messages", UriKind.Relative), new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await OutboxWait.RepliesSentAsync(app.Services, "1");
        var reply = Assert.Single(_fakes.ConnectorCalls());
        Assert.False(reply.RequestMessage.Headers!.ContainsKey("Authorization"));
        Assert.Contains("CC6.1", reply.RequestMessage.Body, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _fakes.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
