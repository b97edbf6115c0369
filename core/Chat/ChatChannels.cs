using ChatCompliance.Core.Domain;

namespace ChatCompliance.Core.Chat;

/// <summary>The registered chat channels, by platform (a platform is added by registering its <see cref="IChatChannel"/>).</summary>
public sealed class ChatChannels(IEnumerable<IChatChannel> channels)
{
    private readonly Dictionary<Platform, IChatChannel> _byPlatform = channels.ToDictionary(c => c.Platform);

    /// <summary>The channel of <paramref name="platform"/>; throws when none is registered (a conversation the app cannot reach).</summary>
    public IChatChannel For(Platform platform) =>
        _byPlatform.TryGetValue(platform, out var channel)
            ? channel
            : throw new InvalidOperationException($"No chat channel is registered for {platform}: its conversations cannot be reached.");
}
