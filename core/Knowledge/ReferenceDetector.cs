using System.Text.RegularExpressions;

namespace ChatCompliance.Core.Knowledge;

/// <summary>What the detector found in a question.</summary>
/// <param name="References">Catalog ids named in the question, in order, without repeats.</param>
/// <param name="Unresolved">Identifiers that look specific but are not in our catalogs (PCI DSS 3.5.1, GDPR article 30, AC-2…).</param>
/// <param name="Remainder">The question with the detected ids blanked out: what else it asks.</param>
public sealed record DetectedReferences(IReadOnlyList<string> References, IReadOnlyList<string> Unresolved, string Remainder);

/// <summary>
/// Finds SOC 2 criteria and ISO/IEC 27001:2022 clause and Annex A ids however people type them:
/// "CC6.1", "cc 6.1", "CC-6.1", "A.5.15", "a5.15", "annex a 8.28", "control 5.2", "clause 9.2", and
/// bare numbers ("5.15" is Annex A because there is no clause 5.15; "9.3.2" is a clause).
/// </summary>
public sealed partial class ReferenceDetector(Catalog catalog)
{
    public DetectedReferences Detect(string question)
    {
        var text = question.Length > TextAnalyzer.MaximumQuestionLength ? question[..TextAnalyzer.MaximumQuestionLength] : question;
        text = text.ToLowerInvariant();
        if (!text.Any(char.IsDigit))
        {
            // Every id and every other rule book's identifier has a digit (\d is any Unicode digit, as char.IsDigit).
            return new DetectedReferences([], [], text);
        }

        var found = new List<string>();
        var unresolved = new List<string>();
        var taken = new bool[text.Length];

        foreach (Match m in Soc2().Matches(text))
        {
            var id = $"{Catalog.Soc2Prefix}{m.Groups["series"].Value.ToUpperInvariant()}{m.Groups["major"].Value}.{int.Parse(m.Groups["minor"].Value, System.Globalization.CultureInfo.InvariantCulture)}";
            if (catalog.Contains(id))
            {
                Take(m, id);
            }
        }

        foreach (Match m in AnnexA().Matches(text))
        {
            if (!Free(m))
            {
                continue;
            }

            var id = $"{Catalog.IsoPrefix}A.{m.Groups["theme"].Value}.{Number(m.Groups["n"].Value)}";
            if (catalog.Contains(id))
            {
                Take(m, id);
            }
        }

        foreach (Match m in Clause().Matches(text))
        {
            if (!Free(m))
            {
                continue;
            }

            var id = Catalog.IsoPrefix + Dotted(m.Groups["id"].Value);
            if (catalog.Contains(id))
            {
                Take(m, id);
            }
            else
            {
                unresolved.Add(m.Value.Trim());
                Mark(m);
            }
        }

        foreach (Match m in Bare().Matches(text))
        {
            if (!Free(m))
            {
                continue;
            }

            var dotted = Dotted(m.Value);
            var clause = Catalog.IsoPrefix + dotted;
            var control = $"{Catalog.IsoPrefix}A.{dotted}";
            var isClause = catalog.Contains(clause);
            var isControl = dotted.Count(c => c == '.') == 1 && catalog.Contains(control);
            var near = text[Math.Max(0, m.Index - 24)..m.Index];
            if (isClause && isControl)
            {
                if (ControlWord().IsMatch(near))
                {
                    Take(m, control);
                }
                else
                {
                    Take(m, clause);
                    found.Add(control);
                }
            }
            else if (isClause)
            {
                Take(m, clause);
            }
            else if (isControl)
            {
                Take(m, control);
            }
            else if (dotted.Count(c => c == '.') >= 2 || m.Value.Split('.').Any(p => p.Length >= 3))
            {
                unresolved.Add(m.Value);
            }
        }

        foreach (Match m in OtherSpecifics().Matches(text))
        {
            if (Free(m))
            {
                unresolved.Add(m.Value.Trim());
            }
        }

        var remainder = new string([.. text.Select((c, i) => taken[i] ? ' ' : c)]);
        return new DetectedReferences([.. found.Distinct(StringComparer.Ordinal)], unresolved, remainder);

        bool Free(Match m)
        {
            for (var i = m.Index; i < m.Index + m.Length; i++)
            {
                if (taken[i])
                {
                    return false;
                }
            }

            return true;
        }

        void Mark(Match m) => Array.Fill(taken, true, m.Index, m.Length);

        void Take(Match m, string id)
        {
            Mark(m);
            found.Add(id);
        }
    }

    private static string Number(string digits) => int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Dotted(string value) => string.Join('.', Spaces().Replace(value, "").Split('.', StringSplitOptions.RemoveEmptyEntries).Select(Number));

    // SOC 2: CC1.1–CC9.2, A1.x, C1.x, PI1.x, P1.1–P8.1, with optional space or hyphen after the series.
    [GeneratedRegex(@"(?<![a-z0-9.])(?<series>cc|pi|a|c|p)\s?-?\s?(?<major>[1-9])\s?\.\s?(?<minor>\d{1,2})(?![\d]|\.\d)")]
    private static partial Regex Soc2();

    // Annex A: "a.5.15", "a5.15", "a 5.15", "annex a 8.28", "annex a control 8.28", "control 5.2", "controls a.8.8".
    [GeneratedRegex(@"(?:\bannex\s*a\s*(?:controls?\s*)?|\bcontrols?\s*(?:a\s*\.?\s*)?|(?<![a-z0-9])a\s?[.\-]?\s?)(?<theme>[5-8])\s?\.\s?(?<n>\d{1,2})(?![\d]|\.\d)")]
    private static partial Regex AnnexA();

    // Clauses: "clause 9.2", "cl. 6.1.2", "section 4.3", "clause 9".
    [GeneratedRegex(@"\b(?:clauses?|cl\.?|section|sec\.?)\s*(?<id>\d{1,2}(?:\s?\.\s?\d{1,2}){0,2})(?![\d]|\.\d)")]
    private static partial Regex Clause();

    // Bare dotted numbers not part of a longer token: "5.15", "9.3.2".
    [GeneratedRegex(@"(?<![\w.])\d{1,3}(?:\.\d{1,3}){1,3}(?![\w]|\.\d)")]
    private static partial Regex Bare();

    // Identifiers from other rule books: "requirement 3.5", "article 30", "§164", "ac-2".
    [GeneratedRegex(@"\b(?:requirements?|reqs?|articles?|art\.)\s*\d+(?:\.\d+)*|§\s*\d+(?:\.\d+)*|\b(?:ac|au|ia|sc|si|cm|cp|ir|ma|mp|pe|pl|ps|ra|sa|sr|at|ca|pm|pt)-\d{1,2}(?:\s?\(\d+\))?(?![\d.])")]
    private static partial Regex OtherSpecifics();

    [GeneratedRegex(@"\b(?:controls?|annex)\b")]
    private static partial Regex ControlWord();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
