using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Cards;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Outbox;
using ChatCompliance.Core.People;
using ChatCompliance.Core.Storage;
using ChatCompliance.Core.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatCompliance.Core.Reviews;

/// <summary>
/// Creates access-review campaigns and launches them: the population is read from the directory (or given as CSV),
/// snapshotted with its time, given recommendations and reviewers, and every reviewer's first page is queued in the
/// outbox, all in one transaction with one audit entry that carries the snapshot's hash.
/// </summary>
public sealed class CampaignLauncher(ComplianceDbContext db, AuditTrail audit, IAccessDirectory directory, TimeProvider time, IOptions<ReviewOptions> options)
{
    private static readonly JsonSerializerOptions SnapshotJson = new(JsonSerializerDefaults.Web);

    /// <summary>Creates the campaign (a compliance lead or the API only) and launches it; a failed launch leaves a draft with the reason.</summary>
    public async Task<ReviewOutcome> CreateAsync(NewCampaign spec, TaskActor actor, IReadOnlyList<DirectoryAccount>? csvPopulation = null, CancellationToken cancellationToken = default)
    {
        if (actor.Platform is not (Platform.Api or Platform.System) && (actor.Person is not { IsActive: true } lead || !lead.Has(PersonRoles.ComplianceLead)))
        {
            await AuditTrail.RunInTransactionAsync(db, ct => audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "review.create_refused",
                AuditSubjects.AccessReviewCampaign, spec.ResourceId, null, null, "only compliance leads start access reviews"), ct), cancellationToken);
            return new ReviewOutcome(ReviewOutcomeKind.Refused, "Only a compliance lead can start an access review.");
        }

        if (Validate(spec, csvPopulation) is { } problem)
        {
            return new ReviewOutcome(ReviewOutcomeKind.Invalid, problem);
        }

        var campaign = await AuditTrail.RunInTransactionAsync(db, async ct =>
        {
            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            var made = new AccessReviewCampaign
            {
                Name = spec.Name.Trim(),
                ResourceKind = spec.Kind,
                ResourceId = spec.ResourceId.Trim(),
                ResourceName = spec.ResourceName?.Trim() ?? (spec.Kind == ReviewResourceKind.CsvAccounts ? spec.ResourceId.Trim() : null),
                ReviewerRule = spec.ReviewerRule,
                NamedReviewers = spec.NamedReviewers is { Count: > 0 } named ? string.Join(',', named.Select(Person.NormaliseEmail)) : null,
                PeriodStart = spec.PeriodStart ?? today,
                PeriodEnd = spec.PeriodEnd ?? spec.DueDate,
                DueDate = spec.DueDate,
                Recurrence = spec.Recurrence,
                UndecidedRule = spec.UndecidedRule,
                RemoveThroughGraph = spec.RemoveThroughGraph,
                InactiveDays = options.Value.InactiveDays,
                CreatedById = actor.Person?.Id,
                CreatedAt = now,
            };
            if (spec.ResourceOwnerEmail is { } ownerEmail)
            {
                made.ResourceOwnerId = (await db.FindOrAddAsync(ownerEmail, PersonRoles.Reviewer, now, cancellationToken: ct)).Id;
            }

            if (spec.FallbackReviewerEmail is { } fallbackEmail)
            {
                made.FallbackReviewerId = (await db.FindOrAddAsync(fallbackEmail, PersonRoles.Reviewer, now, cancellationToken: ct)).Id;
            }

            made.SeriesId = made.Id;
            db.AccessReviewCampaigns.Add(made);
            await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "review.campaign_created",
                AuditSubjects.AccessReviewCampaign, AuditSubjects.Id(made.Id), null, Snapshot(made), null), ct);
            return made;
        }, cancellationToken);

        return await LaunchAsync(campaign.Id, actor, csvPopulation, cancellationToken);
    }

    /// <summary>
    /// Reads the population and starts the review. Safe to repeat: only a draft launches, and two launches at once
    /// make one (the campaign's version is a concurrency token).
    /// </summary>
    public async Task<ReviewOutcome> LaunchAsync(Guid campaignId, TaskActor actor, IReadOnlyList<DirectoryAccount>? csvPopulation = null, CancellationToken cancellationToken = default)
    {
        var campaign = await db.AccessReviewCampaigns.SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null)
        {
            return new ReviewOutcome(ReviewOutcomeKind.NotFound, "I can't find that access review.");
        }

        if (campaign.Status != CampaignStatus.Draft)
        {
            return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, Notice.Of($"{Notice.Stress(campaign.Name)} has already started."), campaign);
        }

        IReadOnlyList<DirectoryAccount> population;
        DirectoryResource? resource = null;
        var fromChanges = false;
        try
        {
            if (campaign.ResourceKind == ReviewResourceKind.CsvAccounts)
            {
                population = csvPopulation ?? [];
                if (population.Count == 0)
                {
                    return new ReviewOutcome(ReviewOutcomeKind.Invalid, "A CSV campaign starts with its accounts: upload the CSV.", campaign);
                }
            }
            else
            {
                resource = await directory.ReadResourceAsync(campaign.ResourceKind, campaign.ResourceId, cancellationToken);
                var includeManagers = campaign.ReviewerRule == ReviewerRule.Manager;
                if (campaign.Recurrence == Recurrence.None)
                {
                    population = await directory.ReadPopulationAsync(campaign.ResourceKind, campaign.ResourceId, includeManagers, cancellationToken);
                }
                else
                {
                    var read = await directory.ReadPopulationSinceAsync(campaign.ResourceKind, campaign.ResourceId, includeManagers, await KeptDeltaAsync(campaign, cancellationToken), cancellationToken);
                    population = read.Accounts;
                    fromChanges = read.FromChanges;
                    await KeepDeltaAsync(campaign, read.Next, cancellationToken);
                }
            }
        }
        catch (DirectoryException e)
        {
            campaign.LaunchError = e.Message;
            await db.SaveChangesAsync(cancellationToken);
            return new ReviewOutcome(ReviewOutcomeKind.Failed, Notice.Of($"I couldn't start {Notice.Stress(campaign.Name)}: {e.Message}"), campaign);
        }

        var snapshotAt = time.GetUtcNow();
        try
        {
            return await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                campaign.ResourceName = resource?.DisplayName ?? campaign.ResourceName;
                if (resource is not null && campaign.Name == DefaultName(campaign.ResourceId))
                {
                    campaign.Name = DefaultName(resource.DisplayName.Length > 150 ? resource.DisplayName[..150] : resource.DisplayName);
                }

                if (campaign.ResourceOwnerId is null && resource?.OwnerEmails.FirstOrDefault(e => Person.IsValidEmail(Person.NormaliseEmail(e))) is { } ownerEmail)
                {
                    campaign.ResourceOwnerId = (await db.FindOrAddAsync(ownerEmail, PersonRoles.Reviewer, snapshotAt, cancellationToken: ct)).Id;
                }

                var accounts = population.DistinctBy(a => (a.Id, a.Access)).OrderBy(a => a.DisplayName, StringComparer.OrdinalIgnoreCase).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
                var reviewers = await AssignReviewersAsync(campaign, accounts, snapshotAt, ct);
                var unassigned = reviewers.Count(r => r is null);
                if (unassigned > 0)
                {
                    throw new LaunchRefusedException($"{unassigned} of {accounts.Count} accounts have no reviewer (no manager or owner, or it's their own access): give the campaign a fallback reviewer.");
                }

                var items = accounts.Select((account, i) =>
                {
                    var (recommendation, reason) = ReviewRecommendations.Recommend(account, snapshotAt, campaign.InactiveDays);
                    return new AccessReviewItem
                    {
                        CampaignId = campaign.Id,
                        SubjectId = account.Id,
                        SubjectDisplayName = Cut(account.DisplayName, 300),
                        SubjectEmail = account.Email is { } email ? Cut(email, 320) : null,
                        Access = Cut(account.Access, 300),
                        AssignmentId = account.AssignmentId,
                        AccountEnabled = account.AccountEnabled,
                        IsGuest = account.IsGuest,
                        HasSponsor = account.HasSponsor,
                        LastSignInAt = account.LastSignInAt,
                        SignInKnown = account.SignInKnown,
                        Recommendation = recommendation,
                        RecommendationReason = reason,
                        ReviewerId = reviewers[i]!.Id,
                    };
                }).ToList();
                campaign.Status = CampaignStatus.Running;
                campaign.SnapshotAt = snapshotAt;
                campaign.LaunchError = null;
                campaign.Version++;

                var byReviewer = items.GroupBy(i => i.ReviewerId!.Value).ToList();
                await audit.AppendAsync(db, new AuditRecord(actor.Name, actor.Person?.Id, actor.Platform, "review.launched",
                    AuditSubjects.AccessReviewCampaign, AuditSubjects.Id(campaign.Id), null, JsonSerializer.Serialize(new
                    {
                        snapshotAt,
                        accounts = items.Count,
                        flagged = items.Count(i => i.Recommendation == ReviewRecommendation.Revoke),
                        reviewers = byReviewer.Count,
                        populationSha256 = PopulationHash(accounts),
                        populationRead = campaign.ResourceKind == ReviewResourceKind.CsvAccounts ? "csv" : fromChanges ? "changes since the last period" : "full",
                    }, SnapshotJson), null), ct);

                // The campaign (its version checked), new reviewers and the audit entry first; then the items in bulk
                // (binary COPY on PostgreSQL), untracked: tracking 10,000s of rows cost more than writing them.
                await db.SaveChangesAsync(ct);
                await db.BulkInsertAsync(items, ct);

                var people = reviewers.Where(r => r is not null).DistinctBy(r => r!.Id).ToDictionary(r => r!.Id, r => r!);
                var pageSize = options.Value.PageSize;
                var cards = byReviewer.Select(group => new PersonCard(
                    $"review:{campaign.Id:N}:launch:{group.Key:N}", group.Key, ReviewCards.ReviewerPage(ReviewDecisions.Paged(campaign, people[group.Key], group, 0, pageSize), notice: null))).ToList();
                await db.EnqueueForPeopleAsync(cards, "review.request", snapshotAt, ct);

                return new ReviewOutcome(ReviewOutcomeKind.Done,
                    Notice.Of($"Started {Notice.Stress(campaign.Name)}: {items.Count} accounts, {byReviewer.Count} reviewer(s), {items.Count(i => i.Recommendation == ReviewRecommendation.Revoke)} flagged for revoking, due {campaign.DueDate:yyyy-MM-dd}."),
                    campaign, Count: items.Count);
            }, cancellationToken);
        }
        catch (LaunchRefusedException e)
        {
            db.ChangeTracker.Clear();
            var draft = await db.AccessReviewCampaigns.SingleAsync(c => c.Id == campaignId, cancellationToken);
            draft.LaunchError = e.Message;
            await db.SaveChangesAsync(cancellationToken);
            return new ReviewOutcome(ReviewOutcomeKind.Failed, Notice.Of($"I couldn't start {Notice.Stress(draft.Name)}: {e.Message}"), draft);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var current = await db.AccessReviewCampaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId, cancellationToken);
            return new ReviewOutcome(ReviewOutcomeKind.NotApplicable, Notice.Of($"{Notice.Stress(current.Name)} has already started."), current);
        }
    }

    /// <summary>
    /// Starts the next campaign of every recurring series whose next period has begun (the last one's period start plus
    /// its recurrence), with the same resource, reviewers and rules; returns the outcomes. Safe to repeat and on several
    /// instances: a series has one campaign per period start. CSV campaigns repeat only with a new upload.
    /// </summary>
    public async Task<IReadOnlyList<ReviewOutcome>> LaunchDueRecurrencesAsync(DateOnly today, ICollection<JobRowFailure>? failures = null, CancellationToken cancellationToken = default)
    {
        var latest = (await db.AccessReviewCampaigns.AsNoTracking()
                .Where(c => c.Recurrence != Recurrence.None && c.ResourceKind != ReviewResourceKind.CsvAccounts && c.Status != CampaignStatus.Cancelled)
                .ToListAsync(cancellationToken))
            .GroupBy(c => c.SeriesId ?? c.Id)
            .Select(g => g.MaxBy(c => c.PeriodStart)!)
            .ToList();
        var outcomes = new List<ReviewOutcome>();
        foreach (var previous in latest)
        {
            try
            {
                if (await LaunchNextAsync(previous, today, cancellationToken) is { } outcome)
                {
                    outcomes.Add(outcome);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException && failures is not null)
            {
                // One bad series (a campaign dated in the year 9999) must not stop the others: skip it, say which.
                db.ChangeTracker.Clear();
                failures.Add(new JobRowFailure($"access review series {AuditSubjects.Id(previous.SeriesId ?? previous.Id)} ({previous.Name})", e.Message));
            }
        }

        return outcomes;
    }

    /// <summary>Creates and launches the campaign after <paramref name="previous"/> when its period has begun; null when not due or already started.</summary>
    private async Task<ReviewOutcome?> LaunchNextAsync(AccessReviewCampaign previous, DateOnly today, CancellationToken cancellationToken)
    {
        var months = previous.Recurrence switch
        {
            Recurrence.Monthly => 1,
            Recurrence.Quarterly => 3,
            Recurrence.SemiAnnual => 6,
            _ => 12,
        };
        if (previous.PeriodStart.AddMonths(months) > today)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var next = new AccessReviewCampaign
        {
            Name = previous.Name,
            ResourceKind = previous.ResourceKind,
            ResourceId = previous.ResourceId,
            ResourceName = previous.ResourceName,
            ResourceOwnerId = previous.ResourceOwnerId,
            ReviewerRule = previous.ReviewerRule,
            FallbackReviewerId = previous.FallbackReviewerId,
            NamedReviewers = previous.NamedReviewers,
            PeriodStart = previous.PeriodStart.AddMonths(months),
            PeriodEnd = previous.PeriodEnd.AddMonths(months),
            DueDate = previous.DueDate.AddMonths(months),
            Recurrence = previous.Recurrence,
            UndecidedRule = previous.UndecidedRule,
            RemoveThroughGraph = previous.RemoveThroughGraph,
            InactiveDays = options.Value.InactiveDays,
            CreatedById = previous.CreatedById,
            SeriesId = previous.SeriesId ?? previous.Id,
            CreatedAt = now,
        };
        try
        {
            await AuditTrail.RunInTransactionAsync(db, async ct =>
            {
                db.AccessReviewCampaigns.Add(next);
                await audit.AppendAsync(db, new AuditRecord("system", null, Platform.System, "review.campaign_created",
                    AuditSubjects.AccessReviewCampaign, AuditSubjects.Id(next.Id), null, Snapshot(next), $"{previous.Recurrence} recurrence of {AuditSubjects.Id(previous.Id)}"), ct);
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // another instance started this period's campaign first
            return null;
        }

        return await LaunchAsync(next.Id, new TaskActor(null, Platform.System), cancellationToken: cancellationToken);
    }

    /// <summary>The series' change-tracking state when it is of this campaign's resource; null for none.</summary>
    private async Task<DeltaState?> KeptDeltaAsync(AccessReviewCampaign campaign, CancellationToken cancellationToken)
    {
        var seriesId = campaign.SeriesId ?? campaign.Id;
        var kept = await db.PopulationDeltas.AsNoTracking().SingleOrDefaultAsync(d => d.SeriesId == seriesId, cancellationToken);
        return kept is not null && kept.ResourceKind == campaign.ResourceKind && kept.ResourceId == campaign.ResourceId ? new DeltaState(kept.Link, kept.Membership) : null;
    }

    /// <summary>
    /// Keeps the series' next change-tracking state (or drops the old one when the directory kept none). Written on its
    /// own, before the launch: a state pairs a link with the membership at that link, so it stays good whether or not this
    /// launch goes through, and two launches at once each write a good one.
    /// </summary>
    private async Task KeepDeltaAsync(AccessReviewCampaign campaign, DeltaState? next, CancellationToken cancellationToken)
    {
        var seriesId = campaign.SeriesId ?? campaign.Id;
        var row = await db.PopulationDeltas.SingleOrDefaultAsync(d => d.SeriesId == seriesId, cancellationToken);
        if (next is null)
        {
            if (row is null)
            {
                return;
            }

            db.PopulationDeltas.Remove(row);
        }
        else
        {
            row ??= db.PopulationDeltas.Add(new PopulationDelta { SeriesId = seriesId, ResourceId = campaign.ResourceId, Link = next.Link, Membership = next.Membership }).Entity;
            (row.ResourceKind, row.ResourceId, row.Link, row.Membership, row.TakenAt) = (campaign.ResourceKind, campaign.ResourceId, next.Link, next.Membership, time.GetUtcNow());
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (e is DbUpdateException or RefusedInputException)
        {
            // Another launch of this series wrote its state first (either is good), or it isn't storable: the old row
            // stays, a good pair too, and the next read checks it again.
        }
        finally
        {
            db.Entry(row).State = EntityState.Detached;
        }
    }

    /// <summary>The name of a campaign started without one; replaced by the resource's name at launch.</summary>
    public static string DefaultName(string resource) => $"Access review of {resource}";

    /// <summary>The number of pages <paramref name="count"/> rows take.</summary>
    public static int PageCount(int count, int pageSize) => Math.Max(1, (count + pageSize - 1) / pageSize);

    /// <summary>The campaign as the audit trail records it.</summary>
    public static string Snapshot(AccessReviewCampaign campaign) => JsonSerializer.Serialize(new
    {
        name = campaign.Name,
        resourceKind = campaign.ResourceKind.ToString(),
        resourceId = campaign.ResourceId,
        resourceName = campaign.ResourceName,
        resourceOwnerId = campaign.ResourceOwnerId,
        reviewerRule = campaign.ReviewerRule.ToString(),
        namedReviewers = campaign.NamedReviewers,
        fallbackReviewerId = campaign.FallbackReviewerId,
        periodStart = campaign.PeriodStart,
        periodEnd = campaign.PeriodEnd,
        dueDate = campaign.DueDate,
        recurrence = campaign.Recurrence.ToString(),
        undecidedRule = campaign.UndecidedRule.ToString(),
        removeThroughGraph = campaign.RemoveThroughGraph,
        inactiveDays = campaign.InactiveDays,
        status = campaign.Status.ToString(),
        version = campaign.Version,
    }, SnapshotJson);

    /// <summary>One reviewer per account (null when the rule and the fallback give none); reviewers are added to the register when new.</summary>
    private async Task<List<Person?>> AssignReviewersAsync(AccessReviewCampaign campaign, List<DirectoryAccount> accounts, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var named = (campaign.NamedReviewers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Person.NormaliseEmail).ToList();
        wanted.UnionWith(named);
        if (campaign.ReviewerRule == ReviewerRule.Manager)
        {
            wanted.UnionWith(accounts.Select(a => a.ManagerEmail).OfType<string>().Select(Person.NormaliseEmail).Where(Person.IsValidEmail));
        }

        var people = new Dictionary<string, Person>(StringComparer.Ordinal);
        foreach (var chunk in wanted.Chunk(500))
        {
            foreach (var person in await db.People.Where(p => chunk.Contains(p.Email)).ToListAsync(cancellationToken))
            {
                people[person.Email] = person;
            }
        }

        Person Reviewer(string email)
        {
            if (!people.TryGetValue(email, out var person))
            {
                person = new Person { Email = email, DisplayName = email.Split('@')[0], Roles = PersonRoles.Employee | PersonRoles.Reviewer, CreatedAt = now };
                db.People.Add(person);
                people[email] = person;
            }
            else if (!person.Has(PersonRoles.Reviewer))
            {
                person.Roles |= PersonRoles.Reviewer;
            }

            return person;
        }

        var owner = campaign.ResourceOwnerId is { } ownerId ? await db.People.FindAsync([ownerId], cancellationToken) : null;
        var fallback = campaign.FallbackReviewerId is { } fallbackId ? await db.People.FindAsync([fallbackId], cancellationToken) : null;
        var namedPeople = named.Select(Reviewer).ToList();
        var result = new List<Person?>(accounts.Count);
        for (var i = 0; i < accounts.Count; i++)
        {
            var account = accounts[i];
            var byRule = campaign.ReviewerRule switch
            {
                ReviewerRule.ResourceOwner => owner,
                ReviewerRule.Manager => account.ManagerEmail is { } manager && Person.IsValidEmail(Person.NormaliseEmail(manager)) ? Reviewer(Person.NormaliseEmail(manager)) : null,
                // Contiguous shares of the alphabetical population, so each reviewer gets a similar number.
                ReviewerRule.NamedPeople when namedPeople.Count > 0 => namedPeople[(int)((long)i * namedPeople.Count / accounts.Count)],
                _ => null,
            };
            // Nobody reviews their own access.
            var self = account.Email is { } email ? Person.NormaliseEmail(email) : null;
            result.Add(new[] { byRule, fallback, owner }.FirstOrDefault(p => p is not null && p.IsActive && p.Email != self));
        }

        return result;
    }

    private static Notice? Validate(NewCampaign spec, IReadOnlyList<DirectoryAccount>? csvPopulation)
    {
        if (string.IsNullOrWhiteSpace(spec.Name) || spec.Name.Length > 200)
        {
            return "Give the campaign a name of at most 200 characters.";
        }

        if (string.IsNullOrWhiteSpace(spec.ResourceId) || spec.ResourceId.Length > 200)
        {
            return "Name the group, application or system to review (at most 200 characters).";
        }

        if (spec.Kind != ReviewResourceKind.CsvAccounts && !Guid.TryParse(spec.ResourceId, out _))
        {
            return "Give the group or enterprise application as its object id (a GUID from the Entra admin center).";
        }

        if (spec.Kind == ReviewResourceKind.CsvAccounts && spec.RemoveThroughGraph)
        {
            return "Accounts from a CSV can't be removed through Microsoft Graph; their owner removes them.";
        }

        var emails = new[] { spec.ResourceOwnerEmail, spec.FallbackReviewerEmail }.Concat(spec.NamedReviewers ?? []);
        if (emails.FirstOrDefault(e => e is not null && !Person.IsValidEmail(Person.NormaliseEmail(e))) is { } bad)
        {
            return Notice.Of($"'{(bad.Length > 100 ? bad[..100] : bad)}' is not an email address.");
        }

        if (spec.ReviewerRule == ReviewerRule.NamedPeople && spec.NamedReviewers is not { Count: > 0 })
        {
            return "Name the reviewers (their email addresses).";
        }

        if (spec.ReviewerRule == ReviewerRule.ResourceOwner && spec.Kind == ReviewResourceKind.CsvAccounts && spec.ResourceOwnerEmail is null)
        {
            return "Give the system's owner's email: they review its accounts.";
        }

        if (spec.PeriodStart > spec.PeriodEnd)
        {
            return "The period must start before it ends.";
        }

        if (spec.Kind == ReviewResourceKind.CsvAccounts && csvPopulation is not { Count: > 0 })
        {
            return "A CSV campaign starts with its accounts: upload the CSV.";
        }

        return null;
    }

    /// <summary>SHA-256 over the population as read, in a fixed order: the report shows it, the audit trail keeps it.</summary>
    private static string PopulationHash(List<DirectoryAccount> accounts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var account in accounts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(account, SnapshotJson)));
            hash.AppendData("\n"u8);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Cut(string text, int length) => text.Length > length ? text[..length] : text;

    private sealed class LaunchRefusedException(string message) : Exception(message);
}
