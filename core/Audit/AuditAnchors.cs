using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Audit;

/// <summary>The chain's head as it was at <paramref name="AnchoredAt"/>, kept outside the database.</summary>
/// <param name="Sequence">The head entry's number.</param>
/// <param name="Mac">Its MAC (or, for a v1 entry, its hash).</param>
/// <param name="KeyId">The key it was MACed with; null for a v1 entry.</param>
/// <param name="HeadAt">When the head entry was written.</param>
/// <param name="AnchoredAt">When it was anchored.</param>
public sealed record AuditAnchor(long Sequence, string Mac, string? KeyId, DateTimeOffset HeadAt, DateTimeOffset AnchoredAt);

/// <summary>An anchor read back, with its line in the anchor file.</summary>
public sealed record AuditAnchorLine(int Line, AuditAnchor Anchor);

/// <summary>An anchor file that cannot be read as anchors; the message names the file and line.</summary>
public sealed class AuditAnchorFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The append-only anchor file: one JSON object per line, never rewritten.</summary>
public static class AuditAnchorFile
{
    /// <summary>Appends one line (the file is opened for appending only, and created when missing).</summary>
    public static void Append(string path, AuditAnchor anchor)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(anchor, AuditAnchorJson.Default.AuditAnchor) + "\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Every anchor in the file, in order; none when the file does not exist.</summary>
    /// <exception cref="AuditAnchorFileException">A line is not an anchor.</exception>
    public static IReadOnlyList<AuditAnchorLine> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var anchors = new List<AuditAnchorLine>();
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), Encoding.UTF8);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            AuditAnchor? anchor;
            try
            {
                anchor = JsonSerializer.Deserialize(line, AuditAnchorJson.Default.AuditAnchor);
            }
            catch (JsonException e)
            {
                throw new AuditAnchorFileException($"{path} line {number} is not an anchor: {e.Message}", e);
            }

            if (anchor is null || anchor.Sequence < 1 || anchor.Mac is not { Length: 64 } || !anchor.Mac.All(char.IsAsciiHexDigit)
                || anchor.KeyId is not null && !AuditOptionsValidator.KeyId().IsMatch(anchor.KeyId))
            {
                throw new AuditAnchorFileException($"{path} line {number} is not an anchor: it needs a sequence of 1 or more, a MAC of 64 hexadecimal digits and a valid key id");
            }

            anchors.Add(new AuditAnchorLine(number, anchor));
        }

        return anchors;
    }
}

/// <summary>What anchoring did.</summary>
/// <param name="Chain">The verification done first (against the chain and the earlier anchors).</param>
/// <param name="Anchor">The head anchored; null when the chain is empty or broken.</param>
/// <param name="Appended">Whether a line was added to the anchor file (false when its last line already holds this head).</param>
/// <param name="Posted">How many channels the anchor (or, when broken, the alert) was newly queued for.</param>
public sealed record AuditAnchorResult(AuditChainReport Chain, AuditAnchor? Anchor, bool Appended, int Posted);

/// <summary>
/// Anchors the chain's head outside the database: verifies the chain (and every earlier anchor), appends the head to
/// the anchor file and posts it to the channels subscribed to audits. An unchanged head is neither written nor posted
/// again. A broken chain is not anchored; the channels get an alert instead. Anchoring writes no audit-trail entry
/// (that would move the head it anchors).
/// </summary>
public sealed class AuditAnchorer(ComplianceDbContext db, AuditKeyRing keys, IOptions<AuditOptions> options, TimeProvider time)
{
    /// <summary>The anchor file in use.</summary>
    public string AnchorFile => options.Value.AnchorFile ?? throw new InvalidOperationException("Audit:AnchorFile is not resolved.");

    /// <exception cref="AuditAnchorFileException">The anchor file has a line that is not an anchor.</exception>
    public async Task<AuditAnchorResult> AnchorAsync(CancellationToken cancellationToken = default)
    {
        var earlier = AuditAnchorFile.Read(AnchorFile);
        var chain = await AuditChainVerifier.VerifyAsync(db, keys, anchors: earlier, cancellationToken: cancellationToken);
        var now = time.GetUtcNow();
        if (!chain.Intact)
        {
            var problem = chain.Problem!;
            var alerted = await PostAsync($"audit-broken:{problem.Kind}:{problem.Sequence}", "audit.chain-broken", AuditTrailCards.Broken(problem), now, cancellationToken);
            return new AuditAnchorResult(chain, null, false, alerted);
        }

        if (chain.HeadSequence == 0)
        {
            return new AuditAnchorResult(chain, null, false, 0);
        }

        var anchor = new AuditAnchor(chain.HeadSequence, chain.HeadHash, chain.HeadKeyId, chain.HeadAt!.Value, now);
        var last = earlier.Count == 0 ? null : earlier[^1].Anchor;
        var appended = last is null || last.Sequence != anchor.Sequence || !string.Equals(last.Mac, anchor.Mac, StringComparison.OrdinalIgnoreCase);
        if (appended)
        {
            AuditAnchorFile.Append(AnchorFile, anchor);
        }

        var posted = await PostAsync($"audit-anchor:{anchor.Sequence}:{anchor.Mac[..32]}", "audit.anchor", AuditTrailCards.Anchored(anchor), now, cancellationToken);
        return new AuditAnchorResult(chain, anchor, appended, posted);
    }

    /// <summary>Queues the card once per channel subscribed to audits (the key makes a second run queue nothing).</summary>
    private async Task<int> PostAsync(string key, string kind, Card card, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var channels = await db.ChannelSubscriptions.AsNoTracking().Where(s => s.Topic == SubscriptionTopic.Audits)
            .Select(s => s.Conversation!).ToListAsync(cancellationToken);
        var queued = 0;
        foreach (var channel in channels)
        {
            try
            {
                if (await db.EnqueueAsync($"{key}:{channel.Id:N}", kind, card, channel, now, cancellationToken: cancellationToken))
                {
                    await db.SaveChangesAsync(cancellationToken);
                    queued++;
                }
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another instance queued the same anchor first
            }
        }

        return queued;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AuditAnchor))]
internal sealed partial class AuditAnchorJson : JsonSerializerContext;
