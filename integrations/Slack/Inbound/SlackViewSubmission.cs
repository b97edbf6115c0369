namespace ChatCompliance.Integrations.Slack;

/// <summary>A modal's submit (<c>view_submission</c>).</summary>
/// <param name="Origin">The workspace and app it names.</param>
/// <param name="User">Who submitted.</param>
/// <param name="CallbackId">The view's <c>callback_id</c>: the verb.</param>
/// <param name="PrivateMetadata">The view's <c>private_metadata</c>: the data.</param>
/// <param name="RequiredInputs">Block ids of the view's inputs that are not optional.</param>
/// <param name="Inputs">The inputs' values, by block id.</param>
public sealed record SlackViewSubmission(SlackOrigin Origin, SlackActor User, string CallbackId, string? PrivateMetadata, IReadOnlyList<string> RequiredInputs,
    IReadOnlyDictionary<string, string> Inputs)
    : SlackInteraction("view_submission", Origin, User);
