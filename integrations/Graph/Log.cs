using Microsoft.Extensions.Logging;

namespace ChatCompliance.Integrations.Graph;

/// <summary>Log lines of the Microsoft Graph access directory (EventIds 3400–3449). Tokens and secrets never.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "Graph population of {Kind} {ResourceId}: {Count} accounts (sign-ins known: {SignInKnown}) in {ElapsedMs} ms")]
    public static partial void PopulationRead(ILogger logger, string kind, string resourceId, int count, bool signInKnown, long elapsedMs);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "Graph could not {Action}: HTTP {StatusCode} {Code}")]
    public static partial void Failed(ILogger logger, string action, int statusCode, string? code);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Graph could not {Action}: unreachable")]
    public static partial void Unreachable(ILogger logger, Exception exception, string action);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning, Message = "Graph refused sign-in activity (HTTP {StatusCode} {Code}): last sign-ins are left unknown. It needs the permission AuditLog.Read.All and Entra ID P1 or P2")]
    public static partial void SignInsUnavailable(ILogger logger, int statusCode, string? code);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Debug, Message = "Graph: the sponsors of guest {UserId} could not be read (HTTP {StatusCode}); left unknown")]
    public static partial void SponsorsUnknown(ILogger logger, string userId, int statusCode);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Debug, Message = "Graph: app role assignment {AssignmentId} of {ResourceId} is to a {PrincipalType}, not a user or group; skipped")]
    public static partial void AssignmentSkipped(ILogger logger, string? assignmentId, string resourceId, string? principalType);

    [LoggerMessage(EventId = 3407, Level = LogLevel.Information, Message = "Graph removal from {Kind} {ResourceId} of {SubjectId}: {Detail}")]
    public static partial void Removal(ILogger logger, string kind, string resourceId, string subjectId, string detail);

    [LoggerMessage(EventId = 3408, Level = LogLevel.Debug, Message = "Graph: user {UserId} vanished while the population was read; read without details")]
    public static partial void UserVanished(ILogger logger, string userId);

    [LoggerMessage(EventId = 3409, Level = LogLevel.Information, Message = "Graph: Teams app opened for user {UserId} (newly installed: {Installed})")]
    public static partial void AppInstalled(ILogger logger, string userId, bool installed);

    [LoggerMessage(EventId = 3411, Level = LogLevel.Information, Message = "Graph population of group {ResourceId} from the changes since the last period: {Count} accounts, {Added} users added and {Removed} removed")]
    public static partial void PopulationFromChanges(ILogger logger, string resourceId, int count, int added, int removed);

    [LoggerMessage(EventId = 3412, Level = LogLevel.Warning, Message = "Graph: the membership changes of group {ResourceId} were not used ({Reason}); reading it in full")]
    public static partial void ChangesNotUsed(ILogger logger, string resourceId, string reason);

    [LoggerMessage(EventId = 3413, Level = LogLevel.Information, Message = "Graph: the membership changes of group {ResourceId} are not tracked ({Reason}); the next period reads it in full")]
    public static partial void ChangesNotTracked(ILogger logger, string resourceId, string reason);

    [LoggerMessage(EventId = 3414, Level = LogLevel.Debug, Message = "Graph: the membership changes of group {ResourceId} moved forward: {Added} users added and {Removed} removed")]
    public static partial void ChangesAdvanced(ILogger logger, string resourceId, int added, int removed);

    [LoggerMessage(EventId = 3410, Level = LogLevel.Warning, Message = "Graph answered with {Answer} ({What}); nothing stored")]
    public static partial void MalformedAnswer(ILogger logger, string what, string answer);
}
