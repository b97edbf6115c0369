using System.Security.Claims;
using System.Text.RegularExpressions;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.Audit;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Bot.Api.People;

/// <summary>A person as the API takes it. Roles are names of <see cref="PersonRoles"/>; the time zone is an IANA id.</summary>
internal sealed record PersonRequest(
    string? Email, string? DisplayName, string? TimeZone, List<string>? Roles, string? TeamsUserId, string? EntraObjectId,
    string? SlackUserId, string? SlackTeamId, Guid? ManagerId, bool? IsActive);

internal sealed record PersonResponse(
    Guid Id, string Email, string DisplayName, string TimeZone, IReadOnlyList<string> Roles, string? TeamsUserId, string? EntraObjectId,
    string? SlackUserId, string? SlackTeamId, Guid? ManagerId, bool IsActive, DateTimeOffset CreatedAt)
{
    public static PersonResponse From(Person p) =>
        new(p.Id, p.Email, p.DisplayName, p.TimeZone, PeopleApi.RoleNames(p.Roles), p.TeamsUserId, p.EntraObjectId, p.SlackUserId, p.SlackTeamId, p.ManagerId, p.IsActive, p.CreatedAt);
}

/// <summary><c>/api/v1/people</c>: who is who on Teams and Slack, their roles and managers. Reads for leads; changes for admins.</summary>
internal static partial class PeopleApi
{
    private const int MaxDisplayName = 200;
    private const int MaxPlatformId = 200;

    private static readonly PersonRoles[] AssignableRoles = [.. Enum.GetValues<PersonRoles>().Where(r => r != PersonRoles.None)];

    public static RouteGroupBuilder MapPeopleApi(this RouteGroupBuilder api)
    {
        var people = api.MapGroup("/people").WithTags("People");
        people.MapGet("/", ListAsync).WithSummary("Everyone, ordered by email; ?email= finds one");
        people.MapGet("/{id:guid}", GetAsync).WithSummary("One person");
        people.MapPost("/", CreateAsync).RequireAuthorization(AdminPolicies.Admin).WithSummary("Add a person (admin)");
        people.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(AdminPolicies.Admin).WithSummary("Replace a person's fields, roles included (admin)");
        return api;
    }

    public static IReadOnlyList<string> RoleNames(PersonRoles roles) => [.. AssignableRoles.Where(r => (roles & r) == r).Select(r => r.ToString())];

    private static async Task<Ok<List<PersonResponse>>> ListAsync(string? email, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var query = db.People.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(email))
        {
            var normalised = Person.NormaliseEmail(email);
            query = query.Where(p => p.Email == normalised);
        }

        var people = await query.ToListAsync(cancellationToken);
        return TypedResults.Ok(people.OrderBy(p => p.Email, StringComparer.Ordinal).Select(PersonResponse.From).ToList());
    }

    private static async Task<Results<Ok<PersonResponse>, ProblemHttpResult>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var person = await db.People.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        return person is null ? ApiProblems.NotFound("person", id) : TypedResults.Ok(PersonResponse.From(person));
    }

    private static async Task<Results<Created<PersonResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        PersonRequest request, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, TimeProvider time, CancellationToken cancellationToken)
    {
        var person = new Person { Email = "", DisplayName = "", CreatedAt = time.GetUtcNow() };
        var (valid, invalid) = await ValidateAsync(request, person.Id, db, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (await db.People.AnyAsync(p => p.Email == valid!.Email, cancellationToken))
        {
            return ApiProblems.Conflict($"A person with the email {valid!.Email} already exists.");
        }

        valid!.ApplyTo(person);
        db.People.Add(person);
        await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken),
            [new Change("person.created", AuditSubjects.Person, AuditSubjects.Id(person.Id), null, ChangeSnapshots.Of(person))], cancellationToken);
        return TypedResults.Created($"{AdminApi.Prefix}/people/{person.Id}", PersonResponse.From(person));
    }

    private static async Task<Results<Ok<PersonResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, PersonRequest request, ClaimsPrincipal user, ComplianceDbContext db, ChangeRecorder changes, CancellationToken cancellationToken)
    {
        var person = await db.People.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (person is null)
        {
            return ApiProblems.NotFound("person", id);
        }

        var (valid, invalid) = await ValidateAsync(request, id, db, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (await db.People.AnyAsync(p => p.Id != id && p.Email == valid!.Email, cancellationToken))
        {
            return ApiProblems.Conflict($"A person with the email {valid!.Email} already exists.");
        }

        var before = ChangeSnapshots.Of(person);
        valid!.ApplyTo(person);
        var after = ChangeSnapshots.Of(person);
        if (after != before)
        {
            var rolesChanged = before.Contains($"\"roles\":\"{person.Roles}\"", StringComparison.Ordinal) ? null : "roles changed";
            await changes.SaveAsync(await ApiActor.ResolveAsync(user, db, cancellationToken),
                [new Change("person.updated", AuditSubjects.Person, AuditSubjects.Id(person.Id), before, after, rolesChanged)], cancellationToken);
        }

        return TypedResults.Ok(PersonResponse.From(person));
    }

    private sealed record ValidPerson(string Email, string DisplayName, string TimeZone, PersonRoles Roles, string? TeamsUserId, string? EntraObjectId,
        string? SlackUserId, string? SlackTeamId, Guid? ManagerId, bool IsActive)
    {
        public void ApplyTo(Person person)
        {
            person.Email = Email;
            person.DisplayName = DisplayName;
            person.TimeZone = TimeZone;
            person.Roles = Roles;
            person.TeamsUserId = TeamsUserId;
            person.EntraObjectId = EntraObjectId;
            person.SlackUserId = SlackUserId;
            person.SlackTeamId = SlackTeamId;
            person.ManagerId = ManagerId;
            person.IsActive = IsActive;
        }
    }

    private static async Task<(ValidPerson? Valid, ValidationProblem? Invalid)> ValidateAsync(PersonRequest request, Guid id, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var validation = new ApiValidation();
        var email = string.IsNullOrWhiteSpace(request.Email) ? "" : Person.NormaliseEmail(request.Email);
        validation.Add("email", email.Length == 0 ? "email is required" : Person.IsValidEmail(email) ? null : $"'{request.Email!.Trim()}' is not an email address");
        validation.Add("displayName", ApiValidation.Text(request.DisplayName, "display name", MaxDisplayName));

        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone.Trim();
        validation.Add("timeZone", TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) && zone.HasIanaId
            ? null : $"'{timeZone}' is not an IANA time zone id (for example Europe/Berlin or America/New_York)");

        var roles = PersonRoles.None;
        foreach (var name in request.Roles ?? [nameof(PersonRoles.Employee)])
        {
            if (Enum.TryParse<PersonRoles>(name?.Trim(), ignoreCase: true, out var role) && AssignableRoles.Contains(role) && !int.TryParse(name, out _))
            {
                roles |= role;
            }
            else
            {
                validation.Add("roles", $"'{name}' is not a role: use {string.Join(", ", AssignableRoles)}");
            }
        }

        var teams = Optional(request.TeamsUserId);
        validation.Add("teamsUserId", teams is null || (teams.StartsWith("29:", StringComparison.Ordinal) && teams.Length <= MaxPlatformId)
            ? null : "a Teams user id starts with 29: (as the Bot Framework sends it)");
        var entra = Optional(request.EntraObjectId);
        validation.Add("entraObjectId", entra is null || Guid.TryParse(entra, out _) ? null : "an Entra object id is a GUID");
        var slackUser = Optional(request.SlackUserId);
        validation.Add("slackUserId", slackUser is null || SlackUserId().IsMatch(slackUser) ? null : "a Slack user id looks like U012AB3CD");
        var slackTeam = Optional(request.SlackTeamId);
        validation.Add("slackTeamId", slackTeam is null || SlackTeamId().IsMatch(slackTeam) ? null : "a Slack workspace id looks like T0001");

        if (request.ManagerId is { } managerId)
        {
            validation.Add("managerId", await CheckManagerAsync(id, managerId, db, cancellationToken));
        }

        return validation.IsValid
            ? (new ValidPerson(email, request.DisplayName!.Trim(), zone!.Id, roles, teams, entra is null ? null : Guid.Parse(entra).ToString(),
                slackUser, slackTeam, request.ManagerId, request.IsActive ?? true), null)
            : (null, validation.Problem());
    }

    /// <summary>The manager must exist and must not be the person or anyone who reports to them (escalations walk this chain).</summary>
    private static async Task<string?> CheckManagerAsync(Guid id, Guid managerId, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var managers = await db.People.AsNoTracking().Select(p => new { p.Id, p.ManagerId }).ToDictionaryAsync(p => p.Id, p => p.ManagerId, cancellationToken);
        if (!managers.ContainsKey(managerId))
        {
            return $"no person has the id {managerId}";
        }

        var seen = new HashSet<Guid>();
        for (Guid? current = managerId; current is { } at && seen.Add(at); current = managers.GetValueOrDefault(at))
        {
            if (at == id)
            {
                return "the manager chain would loop back to this person";
            }
        }

        return null;
    }

    private static string? Optional(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[UW][A-Z0-9]{2,30}$")]
    private static partial Regex SlackUserId();

    [GeneratedRegex("^[TE][A-Z0-9]{2,30}$")]
    private static partial Regex SlackTeamId();
}
