using ChatCompliance.Core.Domain;
using ChatCompliance.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatCompliance.Tests.Infrastructure;

/// <summary>The bot stores questions a moment after answering them (in batches, off the request path).</summary>
internal static class StoredQuestions
{
    /// <summary>The stored questions once there are at least <paramref name="count"/>, or whatever is there after 10 s.</summary>
    public static async Task<List<Question>> WaitForQuestionsAsync(this ComplianceDbContext db, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var stored = await db.Questions.AsNoTracking().ToListAsync();
            if (stored.Count >= count || DateTime.UtcNow > deadline)
            {
                return stored;
            }

            await Task.Delay(20);
        }
    }
}
