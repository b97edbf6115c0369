using System.Text;
using System.Text.Json;
using ChatCompliance.Core.Knowledge;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// The one-pass analysis writes what the regex rewrites wrote (<see cref="RegexTextAnalyzer"/>), but for runs of spaces
/// (the regexes met their own padded output again: " soc2 plus " became "  soc2  plus "): on every text of
/// the knowledge base, every evaluation question, and a few hundred thousand texts built from the shorthand's own
/// fragments joined by every kind of separator (the corners where rules meet).
/// </summary>
public sealed partial class TextAnalyzerScannerTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>
{
    [Fact]
    public void Normalise_KnowledgeBaseAndQuestions_SameAsTheRegexRewrites()
    {
        var kb = fixture.KnowledgeBase;
        var texts = kb.Entries.SelectMany(e => e.Questions.Append(e.Title).Append(e.Answer).Append(e.AnswerText))
            .Concat(kb.Catalog.Items.SelectMany(i => new[] { i.Title, i.Description }))
            .Concat(kb.Glossary.Items.SelectMany(i => new[] { i.Acronym, i.Expansion }))
            .Concat(EvalQuestions());
        AssertSame(texts);
    }

    [Fact]
    public void Normalise_ShorthandFragmentsJoinedEveryWay_SameAsTheRegexRewrites()
    {
        string[] fragments =
        [
            "soc", "soc2", "soc 2", "soc-ii", "soc two", "soc ii+", "soc2 +", "soci", "soc 1", "soc iii", "soc three", "socii",
            "iso", "iso 27001", "iso/iec 27001:2022", "iso27k", "27k", "iso 9001", "iso 270012", "iso iec", "iec", "27001",
            "27001 : 2013", "27001:20223", "27002", "27018", "27701", "270019", "v1.27001", "2700",
            "type", "type 2", "type-ii", "type i", "type iii", "t1", "t2", "stage 1", "stage two", "stage-ii", "stage i",
            "pen test", "pen-testing", "pentesters", "pentester", "pen testx", "soa", "a.5", "a 6", "a5.15", "annex a 7", "annex a8",
            "a. 8", "a 5 year", "_a5", "a5.", "isms", "mfa", "2fa", "tfa", "sso", "bc/dr", "bc / dr", "bcdr", "bcp", "dr", "cuecs",
            "csoc", "tsc", "cb", "cbs", "non-conformity", "non conform", "nonconform", "ncr", "ncs", "vulns", "siem", "bg", "ppl",
            "yrs", "mo", "mths", "w/o", "w/ox", "w/", "thru", "prod", "devs", "env", "envs", "cve", "ir", "pwds", "mgmt", "docs", "reqs",
            "infosec", "sdlc", "certs", "certified", "pii", "phi", "dpa", "pci", "pci-dss", "pci dssx", "3rd", "sub-service",
            "sub processors", "vs.", "vs", "vs.x", "versus", "diff", "multi-", "multi - factor", "organise", "organisations",
            "colourise", "behaviour", "programmes", "catalogue", "licence", "centre", "raised", "what's", "who’s", "Don't",
            "ISO 27001", "SOC2", "Café", "naïve", "x", "2", "5", ".", "-", "/", "_", "+", ":", "'",
        ];
        string[] separators = [" ", "", "-", ".", "/", "_", "\n", "\u00a0", "é", "‿", "\u200d", ", ", "?"];
        var random = new Random(18);
        var texts = new List<string>();
        foreach (var a in fragments)
        {
            foreach (var b in fragments)
            {
                texts.Add(a + separators[random.Next(separators.Length)] + b);
            }
        }

        for (var n = 0; n < 50_000; n++)
        {
            var text = new StringBuilder();
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                text.Append(fragments[random.Next(fragments.Length)]).Append(separators[random.Next(separators.Length)]);
            }

            texts.Add(text.ToString());
        }

        AssertSame(texts);
    }

    [Fact]
    public void Terms_KnownQuestion_StemsShorthandAndDropsStopWords() =>
        Assert.Equal(["soc2", "type2", "penetr", "test", "iso27001", "2022"], TextAnalyzer.Terms("What's a SOC 2 type II pen-test? ISO/IEC 27001:2022"));

    private static void AssertSame(IEnumerable<string> texts)
    {
        var differences = new List<string>();
        var count = 0;
        foreach (var text in texts)
        {
            count++;
            var expected = Spaces().Replace(RegexTextAnalyzer.Normalise(text), " ");
            var actual = Spaces().Replace(TextAnalyzer.Normalise(text), " ");
            if (expected != actual && differences.Count < 10)
            {
                differences.Add($"{JsonSerializer.Serialize(text)}: regex {JsonSerializer.Serialize(expected)}, scanner {JsonSerializer.Serialize(actual)}");
            }
        }

        Assert.True(differences.Count == 0, $"of {count} texts:\n{string.Join('\n', differences)}");
    }

    private static IEnumerable<string> EvalQuestions() =>
        Directory.EnumerateFiles(KnowledgeFixture.EvalFolder, "*.jsonl", SearchOption.AllDirectories)
            .SelectMany(File.ReadLines)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .SelectMany(l =>
            {
                using var json = JsonDocument.Parse(l);
                var root = json.RootElement;
                return root.TryGetProperty("turns", out var turns) ? turns.EnumerateArray().Select(t => t.GetString()!).ToList()
                    : [root.GetProperty("question").GetString()!];
            });

    [System.Text.RegularExpressions.GeneratedRegex(" {2,}")]
    private static partial System.Text.RegularExpressions.Regex Spaces();
}
