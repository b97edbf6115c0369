using System.Security.Claims;
using ChatCompliance.Bot.Api.Auth;
using ChatCompliance.Core.ApiKeys;
using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChatCompliance.Bot.Api.ApiKeys;

/// <summary>A key to make: its name and role (<c>lead</c> or <c>admin</c>).</summary>
internal sealed record ApiKeyRequest(string? Name, string? Role);

internal sealed record ApiKeyResponse(Guid Id, string Name, string Role, string? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey k) => new(k.Id, k.Name, ApiKeysApi.RoleName(k.Role), k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.RevokedAt);
}

/// <summary>A key just made, with its token: shown in this answer only.</summary>
internal sealed record CreatedApiKeyResponse(Guid Id, string Name, string Role, DateTimeOffset CreatedAt, string Key);

/// <summary><c>/api/v1/apikeys</c>: API keys for automation (admin only). Secrets are shown once, at creation.</summary>
internal static class ApiKeysApi
{
    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("/apikeys").WithTags("API keys").RequireAuthorization(AdminPolicies.Admin);
        keys.MapGet("/", ListAsync).WithSummary("Every key, revoked ones included; never their secrets");
        keys.MapPost("/", CreateAsync).WithSummary("Make a key; the answer holds its token, which cannot be shown again");
        keys.MapDelete("/{id:guid}", RevokeAsync).WithSummary("Revoke a key; revoking it again changes nothing");
        return api;
    }

    public static string RoleName(ApiKeyRole role) => role == ApiKeyRole.Admin ? "admin" : "lead";

    public static bool TryParseRole(string? name, out ApiKeyRole role)
    {
        role = name?.Trim().ToLowerInvariant() switch
        {
            "lead" => ApiKeyRole.ComplianceLead,
            "admin" => ApiKeyRole.Admin,
            _ => 0,
        };
        return role != 0;
    }

    private static async Task<Ok<List<ApiKeyResponse>>> ListAsync(ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok((await keys.ListAsync(cancellationToken)).Select(ApiKeyResponse.From).ToList());

    private static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> CreateAsync(
        ApiKeyRequest request, ApiKeyService keys, ClaimsPrincipal user, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var validation = new ApiValidation()
            .Add("name", ApiValidation.Text(request.Name, "name", ApiKeyService.MaxNameLength))
            .Add("role", TryParseRole(request.Role, out var role) ? null : "role is lead or admin");
        if (!validation.IsValid)
        {
            return validation.Problem();
        }

        var created = await keys.CreateAsync(request.Name!, role, AdminApiAuthentication.CallerName(user),
            await ApiActor.ResolveAsync(user, db, cancellationToken), cancellationToken);
        var key = created.Key;
        return TypedResults.Created($"{AdminApi.Prefix}/apikeys/{key.Id}", new CreatedApiKeyResponse(key.Id, key.Name, RoleName(key.Role), key.CreatedAt, created.Token));
    }

    private static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RevokeAsync(
        Guid id, ApiKeyService keys, ClaimsPrincipal user, ComplianceDbContext db, CancellationToken cancellationToken)
    {
        var key = await keys.RevokeAsync(id, await ApiActor.ResolveAsync(user, db, cancellationToken), cancellationToken);
        return key is null ? ApiProblems.NotFound("API key", id) : TypedResults.Ok(ApiKeyResponse.From(key));
    }
}
