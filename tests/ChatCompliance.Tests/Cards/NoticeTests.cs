using ChatCompliance.Core.Cards;

namespace ChatCompliance.Tests.Cards;

public sealed class NoticeTests
{
    [Fact]
    public void Stressed_values_are_bold_in_chat_and_plain_for_the_api_and_pages()
    {
        var notice = Notice.Of($"Assigned {Notice.Stress("Q4 access review")} (AC-01) to Olivia Owner, due {new DateOnly(2027, 1, 15):yyyy-MM-dd}.");

        Assert.Equal("Assigned **Q4 access review** (AC-01) to Olivia Owner, due 2027-01-15.", notice.Markdown);
        Assert.Equal("Assigned Q4 access review (AC-01) to Olivia Owner, due 2027-01-15.", notice.Text);
        Assert.Equal(notice.Text, notice.ToString());
    }

    [Fact]
    public void A_value_from_outside_is_shown_literally_and_cannot_format_or_link()
    {
        var name = "*Mallory* [click me](https://evil.example/) **boss**";
        var notice = Notice.Of($"Handed 2 account(s) to {name}. Closed {Notice.Stress(name)}.");

        Assert.DoesNotContain("](https://evil", notice.Markdown, StringComparison.Ordinal);
        Assert.Contains(@"\*Mallory\* \[click me\]\(https://evil.example/\) \*\*boss\*\*", notice.Markdown, StringComparison.Ordinal);
        Assert.Equal($"Handed 2 account(s) to {name}. Closed {name}.", notice.Text); // the API shows what was typed
    }

    [Fact]
    public void Plain_words_convert_and_sentences_join_with_one_space()
    {
        Notice refusal = "Only a compliance lead can do that.";
        var joined = Notice.Of($"Handed 1 account(s) to {"Nick"}.").Then(Notice.Of($"They'll see it under {Notice.Stress("my reviews")}."));

        Assert.Equal("Only a compliance lead can do that.", refusal.Markdown);
        Assert.Equal("Handed 1 account(s) to Nick. They'll see it under **my reviews**.", joined.Markdown);
        Assert.Equal("Handed 1 account(s) to Nick. They'll see it under my reviews.", joined.Text);
        Assert.Equal("Handed 1 account(s) to Nick.", Notice.Of($"Handed 1 account(s) to {"Nick"}.").Then("").Markdown);
    }
}
