using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ChatCompliance.Core.Cards;

/// <summary>
/// A sentence the core says to a person about what it decided ("Assigned Q4 access review (CC6.2) to Alice, due …"),
/// with the words to stress marked, not formatted: a chat card shows them bold (<see cref="Markdown"/>), the admin API
/// and the pages as plain text (<see cref="Text"/>). Values put into it (names, titles, what people typed) are shown
/// literally wherever it is rendered. Write one with an interpolated string: <c>Notice.Of($"Closed {Notice.Stress(name)}: {why}.")</c>.
/// </summary>
public sealed class Notice
{
    internal enum RunKind
    {
        /// <summary>The core's own words: safe as they are.</summary>
        Words,
        /// <summary>A value from outside: escaped in Markdown.</summary>
        Value,
        /// <summary>A value to stress: bold in Markdown.</summary>
        Stressed,
    }

    internal readonly record struct Run(string Text, RunKind Kind);

    private readonly Run[] _runs;

    private Notice(Run[] runs) => _runs = runs;

    /// <summary>A notice from an interpolated string; wrap the values to stress in <see cref="Stress"/>.</summary>
    public static Notice Of(NoticeBuilder builder) => new([.. builder.Runs]);

    /// <summary>The core's own words, with nothing stressed.</summary>
    [return: NotNullIfNotNull(nameof(words))]
    public static implicit operator Notice?(string? words) => words is null ? null : new([new Run(words, RunKind.Words)]);

    /// <summary>A value shown bold in chat (a task's title, a campaign's name, a command to type).</summary>
    public static Stressed Stress(string value) => new(value);

    /// <summary>The notice as plain text, for the admin API, the pages and logs (the core's own words keep no Markdown either).</summary>
    public string Text => string.Concat(_runs.Select(r => r.Kind == RunKind.Words ? CardText.Plain(r.Text) : r.Text));

    /// <summary>The notice as card Markdown: stressed values bold, every value escaped.</summary>
    public string Markdown => string.Concat(_runs.Select(r => r.Kind switch
    {
        RunKind.Words => r.Text,
        RunKind.Value => CardText.Escape(r.Text),
        _ => $"**{CardText.Escape(r.Text)}**",
    }));

    /// <summary>This notice followed by <paramref name="more"/> (with a space between sentences, when both have words).</summary>
    public Notice Then(Notice more) => IsEmpty ? more : more.IsEmpty ? this : new([.. _runs, new Run(" ", RunKind.Words), .. more._runs]);

    private bool IsEmpty => _runs.All(r => r.Text.Length == 0);

    public override string ToString() => Text;

    /// <summary>A value to show bold; see <see cref="Stress"/>.</summary>
    public readonly record struct Stressed(string Value);

    /// <summary>Collects an interpolated string's parts as runs; see <see cref="Of"/>.</summary>
    [InterpolatedStringHandler]
    public readonly struct NoticeBuilder
    {
        public NoticeBuilder(int literalLength, int formattedCount) => Runs = new List<Run>(formattedCount * 2 + 1);

        internal List<Run> Runs { get; }

        public void AppendLiteral(string words) => Runs.Add(new Run(words, RunKind.Words));

        public void AppendFormatted(Stressed value) => Runs.Add(new Run(value.Value, RunKind.Stressed));

        public void AppendFormatted(Notice notice) => Runs.AddRange(notice._runs);

        public void AppendFormatted<T>(T value) => AppendFormatted(value, null);

        public void AppendFormatted<T>(T value, string? format) => Runs.Add(new Run(
            value is IFormattable formattable ? formattable.ToString(format, CultureInfo.InvariantCulture) : value?.ToString() ?? "", RunKind.Value));
    }
}
