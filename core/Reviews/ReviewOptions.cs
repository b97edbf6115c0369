using System.ComponentModel.DataAnnotations;

namespace ChatCompliance.Core.Reviews;

/// <summary>Settings of access reviews.</summary>
public sealed class ReviewOptions
{
    public const string SectionName = "Reviews";

    /// <summary>Days without a sign-in after which revoking is recommended, for new campaigns.</summary>
    [Range(1, 3650)]
    public int InactiveDays { get; set; } = 90;

    /// <summary>Rows on one page of a reviewer's card; ten keeps a page well inside Slack's 50 blocks and Teams' 28 KB.</summary>
    [Range(1, 15)]
    public int PageSize { get; set; } = 10;
}
