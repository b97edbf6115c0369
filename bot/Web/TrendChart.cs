using System.Globalization;
using ChatCompliance.Core.Programme;

namespace ChatCompliance.Bot.Web;

/// <summary>The overdue trend as an SVG line chart drawn on the server: coordinates, axis ticks and a text summary.</summary>
internal sealed record TrendChart(IReadOnlyList<OverduePoint> Points)
{
    public const int Width = 640;
    public const int Height = 240;
    private const int Left = 48;
    private const int Right = 16;
    private const int Top = 16;
    private const int Bottom = 40;

    public int Max => Math.Max(1, NiceCeiling(Points.Count == 0 ? 0 : Points.Max(p => p.Overdue)));

    public double X(int index) => Left + (Points.Count <= 1 ? 0 : index * (Width - Left - Right) / (double)(Points.Count - 1));

    public double Y(int value) => Top + (Height - Top - Bottom) * (1 - value / (double)Max);

    public double Baseline => Y(0);

    public static double PlotLeft => Left;

    public static double PlotRight => Width - Right;

    public string Polyline => string.Join(' ', Points.Select((p, i) => $"{F(X(i))},{F(Y(p.Overdue))}"));

    public IEnumerable<int> Ticks => Enumerable.Range(0, 5).Select(i => Max * i / 4).Distinct();

    /// <summary>One sentence for screen readers: the range and where it ends.</summary>
    public string Summary => Points.Count == 0 ? "No data." :
        $"Overdue evidence tasks at the end of each of the last {Points.Count} weeks, from {Points[0].Overdue} in the week ending {Points[0].WeekEnding:d MMM} " +
        $"to {Points[^1].Overdue} in the week ending {Points[^1].WeekEnding:d MMM}; highest {Points.Max(p => p.Overdue)}.";

    /// <summary>An SVG text label (Razor reserves the text tag for itself).</summary>
    public static Microsoft.AspNetCore.Html.HtmlString Label(double x, double y, string anchor, string text) =>
        new($"<text class=\"axis\" x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\">{System.Net.WebUtility.HtmlEncode(text)}</text>");

    public static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static int NiceCeiling(int value)
    {
        if (value <= 4)
        {
            return 4;
        }

        var step = (int)Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var factor in new[] { 1, 2, 4, 5, 10 })
        {
            if (step * factor >= value)
            {
                return step * factor % 4 == 0 ? step * factor : (step * factor + 3) / 4 * 4;
            }
        }

        return value;
    }
}
