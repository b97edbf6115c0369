using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ChatCompliance.Tests.Knowledge;

/// <summary>
/// The analysis as it was before the one-pass scanner (issue 18): about 70 regex rewrites in order. Kept here as the
/// oracle the scanner is checked against; never used by the engine.
/// </summary>
internal static partial class RegexTextAnalyzer
{
    /// <summary>Rewrites applied in order to lower-cased text before it is split into words.</summary>
    private static readonly (Regex Pattern, string Replacement)[] Rewrites =
    [
        (Rx(@"\bsoc\s*-?\s*(?:2|ii|two)\s*\+"), " soc2 plus "),
        (Rx(@"\bsoc\s*-?\s*(?:2|ii|two)\b"), " soc2 "),
        (Rx(@"\bsoc\s*-?\s*(?:1|i|one)\b"), " soc1 "),
        (Rx(@"\bsoc\s*-?\s*(?:3|iii|three)\b"), " soc3 "),
        (Rx(@"\biso\s*/?\s*(?:iec\s*)?27k\b|\b27k\b"), " iso27001 "),
        (Rx(@"\biso\s*/?\s*(?:iec\s*)?(\d{4,5})(?:\s*:\s*(20\d\d))?"), " iso$1 $2 "),
        (Rx(@"(?<![\w.])27001(?:\s*:\s*(20\d\d))?\b"), " iso27001 $1 "),
        (Rx(@"(?<![\w.])(2700[0-9]|2701[0-9]|27701)\b"), " iso$1 "),
        (Rx(@"\biso\b(?!\d)"), " iso27001 "),
        (Rx(@"\btype\s*-?\s*(?:2|ii|two)\b|\bt2\b"), " type2 "),
        (Rx(@"\btype\s*-?\s*(?:1|i|one)\b|\bt1\b"), " type1 "),
        (Rx(@"\bstage\s*-?\s*(?:1|one|i)\b"), " stage1 audit "),
        (Rx(@"\bstage\s*-?\s*(?:2|two|ii)\b"), " stage2 audit "),
        (Rx(@"\bpen\s*-?\s*test(?:s|ing|ers?)?\b|\bpentest(?:s|ing|ers?)?\b"), " penetration test "),
        (Rx(@"\bsoa\b"), " soa statement applicability "),
        // Annex A themes by number: "a.5 controls", "a6", "annex a 8".
        (Rx(@"(?:\bannex\s*a\s*|(?<![a-z0-9.])a\s?\.?\s?)5(?![\d.]|\.\d)"), " annex organizational controls "),
        (Rx(@"(?:\bannex\s*a\s*|(?<![a-z0-9.])a\s?\.?\s?)6(?![\d.]|\.\d)"), " annex people controls "),
        (Rx(@"(?:\bannex\s*a\s*|(?<![a-z0-9.])a\s?\.?\s?)7(?![\d.]|\.\d)"), " annex physical controls "),
        (Rx(@"(?:\bannex\s*a\s*|(?<![a-z0-9.])a\s?\.?\s?)8(?![\d.]|\.\d)"), " annex technological controls "),
        (Rx(@"\bisms\b"), " isms information security management system "),
        (Rx(@"\b(?:mfa|2fa|tfa)\b"), " mfa multi factor authentication "),
        (Rx(@"\bsso\b"), " single sign on "),
        (Rx(@"\bbc\s*/\s*dr\b|\bbcdr\b"), " business continuity disaster recovery "),
        (Rx(@"\bbcp\b"), " business continuity plan "),
        (Rx(@"\bdr\b"), " disaster recovery "),
        (Rx(@"\bcuecs?\b"), " cuec complementary user entity controls "),
        (Rx(@"\bcsocs?\b"), " csoc complementary subservice organization controls "),
        (Rx(@"\btsc\b"), " trust services criteria "),
        (Rx(@"\bcbs?\b"), " certification body "),
        (Rx(@"\bnon\s*-?\s*conform"), "nonconform"),
        (Rx(@"\bncr?s?\b"), " nonconformity "),
        (Rx(@"\bvulns?\b"), " vulnerability "),
        (Rx(@"\bsiem\b"), " siem security event logging monitoring "),
        (Rx(@"\bbg\b"), " background "),
        (Rx(@"\bppl\b"), " people "),
        (Rx(@"\byrs?\b"), " year "),
        (Rx(@"\bmos?\b|\bmths?\b"), " month "),
        (Rx(@"\bw/o\b"), " without "),
        (Rx(@"\bw/"), " with "),
        (Rx(@"\bthru\b"), " through "),
        (Rx(@"\bprod\b"), " production "),
        (Rx(@"\bdevs?\b"), " developer "),
        (Rx(@"\bcve\b"), " cve vulnerability "),
        (Rx(@"\bir\b"), " incident response "),
        (Rx(@"\bpwd?s?\b"), " password "),
        (Rx(@"\bmgmt\b"), " management "),
        (Rx(@"\bdocs\b"), " documentation "),
        (Rx(@"\breqs?\b"), " requirement "),
        (Rx(@"\binfosec\b"), " information security "),
        (Rx(@"\bsdlc\b"), " sdlc secure development lifecycle "),
        (Rx(@"\bcerts?\b"), " certificate certification "),
        (Rx(@"\bcertified\b"), " certified certification "),
        (Rx(@"\bpii\b"), " pii personal data "),
        (Rx(@"\bphi\b"), " phi health information "),
        (Rx(@"\bdpa\b"), " data processing agreement "),
        (Rx(@"\bpci(?:\s*-?\s*dss)?\b"), " pci dss "),
        (Rx(@"\b3rd\b"), " third "),
        (Rx(@"\bsub\s*-?\s*(service|processor)"), "sub$1"),
        (Rx(@"\b(?:vs\.?|versus)\b"), " versus "),
        (Rx(@"\bdiff\b"), " difference "),
        (Rx(@"\bsync\b"), " synchronization "),
        (Rx(@"\benvs?\b"), " environment "),
        (Rx(@"\bmulti\s*-\s*"), "multi "),
        // British and American spellings meet in one form.
        (Rx(@"(?<=[a-z]{2})is(e|es|ed|ing|ation|ations)\b"), "iz$1"),
        (Rx(@"\b(behavi|col|fav|hon|lab|neighb)our"), "$1or"),
        (Rx(@"\bprogramme"), "program"),
        (Rx(@"\bcatalogue"), "catalog"),
        (Rx(@"\blicence"), "license"),
        (Rx(@"\bcentre"), "center"),
    ];

    public static string Normalise(string text)
    {
        if (text.Length > ChatCompliance.Core.Knowledge.TextAnalyzer.MaximumQuestionLength)
        {
            text = text[..ChatCompliance.Core.Knowledge.TextAnalyzer.MaximumQuestionLength];
        }

        var lower = RemoveDiacritics(text.ToLowerInvariant()).Replace('’', '\'');
        lower = Apostrophes().Replace(lower, "");
        foreach (var (pattern, replacement) in Rewrites)
        {
            lower = pattern.Replace(lower, replacement);
        }

        return lower;
    }

    private static string RemoveDiacritics(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }

    private static Regex Rx(string pattern) => new(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"(?<=[a-z])'(?=[a-z])")]
    private static partial Regex Apostrophes();
}
