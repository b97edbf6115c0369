using System.Text.RegularExpressions;

namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// Chat shorthand, synonyms and British spellings rewritten in one pass over lower-cased text (soc 2, type ii, iso/iec
/// 27001:2022, a.5, pen-test, SoA, ISMS, w/o, colour…). It writes exactly what the rewrites it replaced wrote, in the same
/// order of precedence (tests/ChatCompliance.Tests/Knowledge/RegexTextAnalyzer.cs keeps them as the oracle): at each
/// position the rules that may start there are tried in their old order, the first that matches is written out. Word
/// boundaries and character classes are those of .NET regular expressions (\w, \b, \s, \d), so odd input reads the same.
/// </summary>
internal static class Shorthand
{
    /// <summary>Whole words (a <c>\bword\b</c> rewrite) and what each becomes.</summary>
    private static readonly Dictionary<string, (string Replacement, int Rule)> WholeWords = BuildWholeWords();

    private static readonly Dictionary<string, (string Replacement, int Rule)>.AlternateLookup<ReadOnlySpan<char>> WholeWordLookup =
        WholeWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly string[] AnnexThemes = [" annex organizational controls ", " annex people controls ", " annex physical controls ", " annex technological controls "];

    private static readonly string[] BritishEndings = ["e", "es", "ed", "ing", "ation", "ations"];

    private static readonly string[] OurStems = ["behavi", "col", "fav", "hon", "lab", "neighb"];

    private static readonly (string From, string To)[] Prefixes = [("programme", "program"), ("catalogue", "catalog"), ("licence", "license"), ("centre", "center")];

    private const byte Word = 1;      // \w
    private const byte Boundary = 2;  // a word character for \b
    private const byte Space = 4;     // \s
    private const byte Digit = 8;     // \d
    private const byte Known = 128;

    /// <summary>Character classes as .NET regular expressions define them, filled on first sight of a character.</summary>
    private static readonly byte[] Classes = new byte[char.MaxValue + 1];

    private static Dictionary<string, (string Replacement, int Rule)> BuildWholeWords()
    {
        // In the old order (the place numbers the rules below use); "27k", "iso", "t2" and "t1" are forms of rules 5, 9, 10, 11.
        var words = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        void Add(int rule, string replacement, params string[] keys)
        {
            foreach (var key in keys)
            {
                words.TryAdd(key, (replacement, key == "iso" ? 9 : rule));
            }
        }

        Add(Iso27k, " iso27001 ", "27k", "iso");
        Add(Type2, " type2 ", "t2");
        Add(Type1, " type1 ", "t1");
        Add(15, " soa statement applicability ", "soa");
        Add(20, " isms information security management system ", "isms");
        Add(21, " mfa multi factor authentication ", "mfa", "2fa", "tfa");
        Add(22, " single sign on ", "sso");
        Add(23, " business continuity disaster recovery ", "bcdr");
        Add(24, " business continuity plan ", "bcp");
        Add(25, " disaster recovery ", "dr");
        Add(26, " cuec complementary user entity controls ", "cuec", "cuecs");
        Add(27, " csoc complementary subservice organization controls ", "csoc", "csocs");
        Add(28, " trust services criteria ", "tsc");
        Add(29, " certification body ", "cb", "cbs");
        Add(31, " nonconformity ", "nc", "ncr", "ncs", "ncrs");
        Add(32, " vulnerability ", "vuln", "vulns");
        Add(33, " siem security event logging monitoring ", "siem");
        Add(34, " background ", "bg");
        Add(35, " people ", "ppl");
        Add(36, " year ", "yr", "yrs");
        Add(37, " month ", "mo", "mos", "mth", "mths");
        Add(40, " through ", "thru");
        Add(41, " production ", "prod");
        Add(42, " developer ", "dev", "devs");
        Add(43, " cve vulnerability ", "cve");
        Add(44, " incident response ", "ir");
        Add(45, " password ", "pw", "pwd", "pws", "pwds");
        Add(46, " management ", "mgmt");
        Add(47, " documentation ", "docs");
        Add(48, " requirement ", "req", "reqs");
        Add(49, " information security ", "infosec");
        Add(50, " sdlc secure development lifecycle ", "sdlc");
        Add(51, " certificate certification ", "cert", "certs");
        Add(52, " certified certification ", "certified");
        Add(53, " pii personal data ", "pii");
        Add(54, " phi health information ", "phi");
        Add(55, " data processing agreement ", "dpa");
        Add(57, " third ", "3rd");
        Add(59, " versus ", "versus");
        Add(60, " difference ", "diff");
        Add(60, " synchronization ", "sync");
        Add(60, " environment ", "env", "envs");
        return words;
    }

    /// <summary>Rewrites <paramref name="s"/> (lower case, apostrophes inside words dropped) into <paramref name="output"/>.</summary>
    public static void Rewrite(ReadOnlySpan<char> s, ref CharBuffer output)
    {
        var i = 0;
        var last = 0;
        while (i < s.Length)
        {
            var left = new Left(last, i > 0 ? s[i - 1] : '\0', output.Length > 0 ? output.Last : '\0');
            var rule = 0;
            var consumed = Match(s, i, left, ref output, ref rule);
            if (consumed > 0)
            {
                i += consumed;
                last = rule;
            }
            else
            {
                output.Append(s[i]);
                i++;
                last = 0;
            }
        }
    }

    /// <summary>
    /// What a rule saw just before a position. The rewrites ran one after another over the whole text, so a rule saw the
    /// replacements of the rules before it, not those of itself or the rules after it (those came later): their input.
    /// </summary>
    private readonly struct Left(int last, char original, char current)
    {
        public char Before(int rule) => last >= rule ? original : current;

        /// <summary>Whether some rule may see a word start here.</summary>
        public bool AnyStart => !Is(original, Boundary) || !Is(current, Boundary);

        /// <summary>\b before an ASCII word character, as <paramref name="rule"/> saw it.</summary>
        public bool Start(int rule) => !Is(Before(rule), Boundary);

        /// <summary>(?&lt;=[a-z]{2}) at <paramref name="i"/>, as <paramref name="rule"/> saw it.</summary>
        public bool Letters(int rule, ReadOnlySpan<char> s, int i, in CharBuffer o) => last >= rule
            ? i >= 2 && s[i - 1] is >= 'a' and <= 'z' && s[i - 2] is >= 'a' and <= 'z'
            : o.Length >= 2 && o[o.Length - 1] is >= 'a' and <= 'z' && o[o.Length - 2] is >= 'a' and <= 'z';
    }

    // The rules' places in the old order: where two could apply, the earlier one did.
    private const int SocPlus = 1, Soc2 = 2, Soc1 = 3, Soc3 = 4, Iso27k = 5, IsoNumber = 6, Iso27001 = 7, IsoFamily = 8, Type2 = 10, Type1 = 11;
    private const int Stage1 = 12, Stage2 = 13, Pen = 14, AnnexTheme = 16, BcDrRule = 23, NonConformRule = 30, WithoutRule = 38, WithRule = 39;
    private const int PciRule = 56, SubRule = 58, VersusRule = 59, MultiRule = 61, BritishRule = 62, OurRule = 63, PrefixRule = 64;

    /// <summary>The length of input the first matching rule at <paramref name="i"/> consumed (its replacement written), or 0.</summary>
    private static int Match(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        var c = s[i];
        if (c >= 128 || !Is(c, Boundary))
        {
            return 0;
        }

        if (!left.AnyStart)
        {
            // Inside a word only the rules with a look-behind can start: the Annex A theme after "_a", a 2700x number
            // after a \b-only character, and the British "-ise" endings.
            return c switch
            {
                'a' => Annex(s, i, left, ref o, ref rule),
                '2' => Iso27000(s, i, left, ref o, ref rule),
                'i' => British(s, i, left, ref o, ref rule),
                _ => 0,
            };
        }

        int n;
        switch (c)
        {
            case 's':
                if ((n = Soc(s, i, left, ref o, ref rule)) > 0)
                {
                    return n;
                }

                break;
            case 'i':
                if ((n = Iso(s, i, left, ref o, ref rule)) > 0)
                {
                    return n;
                }

                break;
            case '2':
                if ((n = Iso27000(s, i, left, ref o, ref rule)) > 0)
                {
                    return n;
                }

                break;
            case 't':
                if ((n = Numbered(s, i, left, ref o, ref rule)) > 0)
                {
                    return n;
                }

                break;
            case 'p':
                if ((n = PenTest(s, i, left, ref o, ref rule)) > 0)
                {
                    return n;
                }

                break;
        }

        if (c == 's' && (n = Stage(s, i, left, ref o, ref rule)) > 0)
        {
            return n;
        }

        if (c == 'a' && (n = Annex(s, i, left, ref o, ref rule)) > 0)
        {
            return n;
        }

        var end = i;
        while (end < s.Length && Is(s[end], Boundary))
        {
            end++;
        }

        if (WholeWordLookup.TryGetValue(s[i..end], out var whole) && left.Start(whole.Rule))
        {
            rule = whole.Rule;
            o.Append(whole.Replacement);
            return end - i;
        }

        n = c switch
        {
            'b' => BcDr(s, i, left, ref o, ref rule),
            'n' => NonConform(s, i, left, ref o, ref rule),
            'w' => With(s, i, left, ref o, ref rule),
            'p' => Pci(s, i, left, ref o, ref rule),
            's' => Sub(s, i, left, ref o, ref rule),
            'v' => Versus(s, i, left, ref o, ref rule),
            'm' => Multi(s, i, left, ref o, ref rule),
            'i' => British(s, i, left, ref o, ref rule),
            _ => 0,
        };
        return n > 0 ? n : SpellingPrefix(s, i, left, ref o, ref rule);
    }

    // \bsoc\s*-?\s*(?:2|ii|two)\s*\+, then (?:2|ii|two)\b, (?:1|i|one)\b, (?:3|iii|three)\b.
    private static int Soc(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("soc") || !left.Start(Soc3))
        {
            return 0;
        }

        var j = Dash(s, i + 3);
        var two = Any(s, j, "2", "ii", "two");
        if (two > 0)
        {
            var k = Spaces(s, j + two);
            if (k < s.Length && s[k] == '+' && left.Start(SocPlus))
            {
                return Emit(ref o, " soc2 plus ", k + 1 - i, ref rule, SocPlus);
            }

            if (BoundaryAt(s, j + two) && left.Start(Soc2))
            {
                return Emit(ref o, " soc2 ", j + two - i, ref rule, Soc2);
            }
        }

        return Series(s, i, j, SocSeries, left, ref o, ref rule);
    }

    private static readonly (string Replacement, string[] Forms, int Rule)[] SocSeries = [(" soc1 ", ["1", "i", "one"], Soc1), (" soc3 ", ["3", "iii", "three"], Soc3)];

    // \biso\s*/?\s*(?:iec\s*)?27k\b, then \biso\s*/?\s*(?:iec\s*)?(\d{4,5})(?:\s*:\s*(20\d\d))?
    private static int Iso(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("iso") || !left.Start(IsoNumber))
        {
            return 0;
        }

        var j = Spaces(s, i + 3);
        if (j < s.Length && s[j] == '/')
        {
            j++;
        }

        j = Spaces(s, j);
        var afterIec = s[j..].StartsWith("iec") ? Spaces(s, j + 3) : -1;
        foreach (var k in (ReadOnlySpan<int>)[afterIec, j])
        {
            if (k >= 0 && s[k..].StartsWith("27k") && BoundaryAt(s, k + 3) && left.Start(Iso27k))
            {
                return Emit(ref o, " iso27001 ", k + 3 - i, ref rule, Iso27k);
            }
        }

        foreach (var k in (ReadOnlySpan<int>)[afterIec, j])
        {
            if (k < 0)
            {
                continue;
            }

            var digits = 0;
            while (digits < 5 && k + digits < s.Length && Is(s[k + digits], Digit))
            {
                digits++;
            }

            if (digits < 4)
            {
                continue;
            }

            var number = s.Slice(k, digits);
            var end = Year(s, k + digits, out var year);
            o.Append(" iso");
            o.Append(number);
            o.Append(' ');
            o.Append(year >= 0 ? s.Slice(year, 4) : []);
            o.Append(' ');
            rule = IsoNumber;
            return end - i;
        }

        return 0;
    }

    // (?<![\w.])27001(?:\s*:\s*(20\d\d))?\b, then (?<![\w.])(2700[0-9]|2701[0-9]|27701)\b
    private static int Iso27000(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (s.Length - i < 5 || !s[i..].StartsWith("27"))
        {
            return 0;
        }

        // (?<![\w.]) as each of the two rules saw it.
        var before = left.Before(Iso27001);
        if (!Is(before, Word) && before != '.' && s[i..].StartsWith("27001"))
        {
            var end = Year(s, i + 5, out var year);
            if (year >= 0 && BoundaryAt(s, end))
            {
                o.Append(" iso27001 ");
                o.Append(s.Slice(year, 4));
                o.Append(' ');
                rule = Iso27001;
                return end - i;
            }

            if (BoundaryAt(s, i + 5))
            {
                return Emit(ref o, " iso27001  ", 5, ref rule, Iso27001);
            }
        }

        var number = s.Slice(i, 5);
        var known = (number.StartsWith("2700") || number.StartsWith("2701")) && number[4] is >= '0' and <= '9' || number.SequenceEqual("27701");
        before = left.Before(IsoFamily);
        if (known && BoundaryAt(s, i + 5) && !Is(before, Word) && before != '.')
        {
            o.Append(" iso");
            o.Append(number);
            o.Append(' ');
            rule = IsoFamily;
            return 5;
        }

        return 0;
    }

    /// <summary>(?:\s*:\s*(20\d\d))? after a standard's number: where it ends, and where the year starts (-1: none).</summary>
    private static int Year(ReadOnlySpan<char> s, int j, out int year)
    {
        year = -1;
        var k = Spaces(s, j);
        if (k >= s.Length || s[k] != ':')
        {
            return j;
        }

        k = Spaces(s, k + 1);
        if (k + 4 <= s.Length && s[k] == '2' && s[k + 1] == '0' && Is(s[k + 2], Digit) && Is(s[k + 3], Digit))
        {
            year = k;
            return k + 4;
        }

        return j;
    }

    // \btype\s*-?\s*(?:2|ii|two)\b, then the same for 1 (t2 and t1 are whole words).
    private static int Numbered(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule) =>
        s[i..].StartsWith("type") ? Series(s, i, Dash(s, i + 4), TypeSeries, left, ref o, ref rule) : 0;

    // \bstage\s*-?\s*(?:1|one|i)\b, then (?:2|two|ii)\b
    private static int Stage(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule) =>
        s[i..].StartsWith("stage") ? Series(s, i, Dash(s, i + 5), StageSeries, left, ref o, ref rule) : 0;

    private static readonly (string Replacement, string[] Forms, int Rule)[] TypeSeries = [(" type2 ", ["2", "ii", "two"], Type2), (" type1 ", ["1", "i", "one"], Type1)];

    private static readonly (string Replacement, string[] Forms, int Rule)[] StageSeries = [(" stage1 audit ", ["1", "one", "i"], Stage1), (" stage2 audit ", ["2", "two", "ii"], Stage2)];

    /// <summary>The first rule of <paramref name="series"/> whose number form is at <paramref name="j"/>, a whole word.</summary>
    private static int Series(ReadOnlySpan<char> s, int i, int j, (string Replacement, string[] Forms, int Rule)[] series, in Left left, ref CharBuffer o, ref int rule)
    {
        foreach (var (replacement, forms, which) in series)
        {
            foreach (var form in forms)
            {
                if (s[j..].StartsWith(form) && BoundaryAt(s, j + form.Length) && left.Start(which))
                {
                    return Emit(ref o, replacement, j + form.Length - i, ref rule, which);
                }
            }
        }

        return 0;
    }

    // \bpen\s*-?\s*test(?:s|ing|ers?)?\b|\bpentest(?:s|ing|ers?)?\b
    private static int PenTest(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("pen") || !left.Start(Pen))
        {
            return 0;
        }

        var j = Dash(s, i + 3);
        if (!s[j..].StartsWith("test"))
        {
            return 0;
        }

        j += 4;
        foreach (var ending in (ReadOnlySpan<string>)["s", "ing", "ers", "er", ""])
        {
            if (s[j..].StartsWith(ending) && BoundaryAt(s, j + ending.Length))
            {
                return Emit(ref o, " penetration test ", j + ending.Length - i, ref rule, Pen);
            }
        }

        return 0;
    }

    // (?:\bannex\s*a\s*|(?<![a-z0-9.])a\s?\.?\s?)[5-8](?![\d.]|\.\d)
    private static int Annex(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        // One rule per theme, so which rule it is depends on the digit that follows.
        if (s[i..].StartsWith("annex"))
        {
            var j = Spaces(s, i + 5);
            if (j < s.Length && s[j] == 'a' && Theme(s, Spaces(s, j + 1)) is var k and > 0 && left.Start(AnnexTheme + s[k - 1] - '5'))
            {
                return Emit(ref o, AnnexThemes[s[k - 1] - '5'], k - i, ref rule, AnnexTheme + s[k - 1] - '5');
            }
        }

        var m = i + 1;
        m = m < s.Length && Is(s[m], Space) ? m + 1 : m;
        m = m < s.Length && s[m] == '.' ? m + 1 : m;
        m = m < s.Length && Is(s[m], Space) ? m + 1 : m;
        if (Theme(s, m) is not (var end and > 0))
        {
            return 0;
        }

        var theme = s[end - 1] - '5';
        return left.Before(AnnexTheme + theme) is >= 'a' and <= 'z' or >= '0' and <= '9' or '.'
            ? 0
            : Emit(ref o, AnnexThemes[theme], end - i, ref rule, AnnexTheme + theme);
    }

    /// <summary>A theme digit 5-8 at <paramref name="j"/> not followed by a digit or a dot: where it ends, or 0.</summary>
    private static int Theme(ReadOnlySpan<char> s, int j) =>
        j >= s.Length || s[j] is < '5' or > '8' || (j + 1 < s.Length && (s[j + 1] == '.' || Is(s[j + 1], Digit))) ? 0 : j + 1;

    // \bbc\s*/\s*dr\b (bcdr is a whole word)
    private static int BcDr(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("bc") || !left.Start(BcDrRule))
        {
            return 0;
        }

        var j = Spaces(s, i + 2);
        if (j >= s.Length || s[j] != '/')
        {
            return 0;
        }

        j = Spaces(s, j + 1);
        return s[j..].StartsWith("dr") && BoundaryAt(s, j + 2) ? Emit(ref o, " business continuity disaster recovery ", j + 2 - i, ref rule, BcDrRule) : 0;
    }

    // \bnon\s*-?\s*conform
    private static int NonConform(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("non") || !left.Start(NonConformRule))
        {
            return 0;
        }

        var j = Dash(s, i + 3);
        return s[j..].StartsWith("conform") ? Emit(ref o, "nonconform", j + 7 - i, ref rule, NonConformRule) : 0;
    }

    // \bw/o\b, then \bw/
    private static int With(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("w/"))
        {
            return 0;
        }

        if (s[i..].StartsWith("w/o") && BoundaryAt(s, i + 3) && left.Start(WithoutRule))
        {
            return Emit(ref o, " without ", 3, ref rule, WithoutRule);
        }

        return left.Start(WithRule) ? Emit(ref o, " with ", 2, ref rule, WithRule) : 0;
    }

    // \bpci(?:\s*-?\s*dss)?\b
    private static int Pci(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("pci") || !left.Start(PciRule))
        {
            return 0;
        }

        var j = Dash(s, i + 3);
        if (s[j..].StartsWith("dss") && BoundaryAt(s, j + 3))
        {
            return Emit(ref o, " pci dss ", j + 3 - i, ref rule, PciRule);
        }

        return BoundaryAt(s, i + 3) ? Emit(ref o, " pci dss ", 3, ref rule, PciRule) : 0;
    }

    // \bsub\s*-?\s*(service|processor)
    private static int Sub(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("sub") || !left.Start(SubRule))
        {
            return 0;
        }

        var j = Dash(s, i + 3);
        foreach (var word in (ReadOnlySpan<string>)["service", "processor"])
        {
            if (s[j..].StartsWith(word))
            {
                o.Append("sub");
                o.Append(word);
                rule = SubRule;
                return j + word.Length - i;
            }
        }

        return 0;
    }

    // \b(?:vs\.?|versus)\b (versus is a whole word)
    private static int Versus(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("vs") || !left.Start(VersusRule))
        {
            return 0;
        }

        if (i + 2 < s.Length && s[i + 2] == '.' && BoundaryAt(s, i + 3) && !SpacedByEarlierRule(s, i + 3, ref o))
        {
            return Emit(ref o, " versus ", 3, ref rule, VersusRule);
        }

        return BoundaryAt(s, i + 2) ? Emit(ref o, " versus ", 2, ref rule, VersusRule) : 0;
    }

    /// <summary>
    /// Whether a rule before "vs." in the old order rewrote the word right after its dot into one starting with a space
    /// ("vs.iso 27001"): "vs." then had no \b after it, and "vs" alone was the match.
    /// </summary>
    private static bool SpacedByEarlierRule(ReadOnlySpan<char> s, int j, ref CharBuffer o)
    {
        var mark = o.Length;
        var rule = 0;
        var spaced = Match(s, j, new Left(0, '.', '.'), ref o, ref rule) > 0 && rule < VersusRule && o[mark] == ' ';
        o.Truncate(mark);
        return spaced;
    }

    // \bmulti\s*-\s*
    private static int Multi(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (!s[i..].StartsWith("multi") || !left.Start(MultiRule))
        {
            return 0;
        }

        var j = Spaces(s, i + 5);
        return j < s.Length && s[j] == '-' ? Emit(ref o, "multi ", Spaces(s, j + 1) - i, ref rule, MultiRule) : 0;
    }

    // (?<=[a-z]{2})is(e|es|ed|ing|ation|ations)\b, inside a word.
    private static int British(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        if (i + 1 >= s.Length || s[i + 1] != 's' || !left.Letters(BritishRule, s, i, o))
        {
            return 0;
        }

        foreach (var ending in BritishEndings)
        {
            if (s[(i + 2)..].StartsWith(ending) && BoundaryAt(s, i + 2 + ending.Length))
            {
                o.Append("iz");
                o.Append(ending);
                rule = BritishRule;
                return 2 + ending.Length;
            }
        }

        return 0;
    }

    // \b(behavi|col|fav|hon|lab|neighb)our, \bprogramme, \bcatalogue, \blicence, \bcentre
    private static int SpellingPrefix(ReadOnlySpan<char> s, int i, in Left left, ref CharBuffer o, ref int rule)
    {
        foreach (var stem in OurStems)
        {
            if (s[i..].StartsWith(stem) && s[(i + stem.Length)..].StartsWith("our") && left.Start(OurRule))
            {
                o.Append(stem);
                o.Append("or");
                rule = OurRule;
                return stem.Length + 3;
            }
        }

        for (var p = 0; p < Prefixes.Length; p++)
        {
            if (s[i..].StartsWith(Prefixes[p].From) && left.Start(PrefixRule + p))
            {
                return Emit(ref o, Prefixes[p].To, Prefixes[p].From.Length, ref rule, PrefixRule + p);
            }
        }

        return 0;
    }

    private static int Emit(ref CharBuffer o, string replacement, int consumed, ref int rule, int which)
    {
        o.Append(replacement);
        rule = which;
        return consumed;
    }

    /// <summary>The first of three forms at <paramref name="j"/>: its length, or 0.</summary>
    private static int Any(ReadOnlySpan<char> s, int j, string a, string b, string c) =>
        s[j..].StartsWith(a) ? a.Length : s[j..].StartsWith(b) ? b.Length : s[j..].StartsWith(c) ? c.Length : 0;

    /// <summary>\s*-?\s*</summary>
    private static int Dash(ReadOnlySpan<char> s, int j)
    {
        j = Spaces(s, j);
        if (j < s.Length && s[j] == '-')
        {
            j = Spaces(s, j + 1);
        }

        return j;
    }

    private static int Spaces(ReadOnlySpan<char> s, int j)
    {
        while (j < s.Length && Is(s[j], Space))
        {
            j++;
        }

        return j;
    }

    /// <summary>\b just before <paramref name="j"/>, where the character before is in the match (an ASCII word character).</summary>
    private static bool BoundaryAt(ReadOnlySpan<char> s, int j) => Is(s[j - 1], Boundary) != (j < s.Length && Is(s[j], Boundary));

    internal static bool Is(char c, byte @class)
    {
        var classes = Classes[c];
        if (classes == 0)
        {
            classes = Classify(c);
        }

        return (classes & @class) != 0;
    }

    private static byte Classify(char c)
    {
        var text = c.ToString();
        var classes = Known;
        classes |= WordCharacter().IsMatch(text) ? Word : (byte)0;
        classes |= BoundaryCharacter().IsMatch(text) ? Boundary : (byte)0;
        classes |= SpaceCharacter().IsMatch(text) ? Space : (byte)0;
        classes |= DigitCharacter().IsMatch(text) ? Digit : (byte)0;
        Classes[c] = classes;
        return classes;
    }

    private static Regex WordCharacter() => WordRegex;

    private static Regex BoundaryCharacter() => BoundaryRegex;

    private static Regex SpaceCharacter() => SpaceRegex;

    private static Regex DigitCharacter() => DigitRegex;

    // The classes are the regex engine's own, asked once per character: \b before a lone character means it is a word character to \b.
    private static readonly Regex WordRegex = new(@"^\w$", RegexOptions.CultureInvariant);
    private static readonly Regex BoundaryRegex = new(@"^\b", RegexOptions.CultureInvariant);
    private static readonly Regex SpaceRegex = new(@"^\s$", RegexOptions.CultureInvariant);
    private static readonly Regex DigitRegex = new(@"^\d$", RegexOptions.CultureInvariant);
}

/// <summary>A growable character buffer over a reused array: text is built without a string per step.</summary>
internal struct CharBuffer(char[] array)
{
    private char[] _array = array;

    public int Length { get; private set; }

    public readonly char Last => _array[Length - 1];

    public readonly char this[int index] => _array[index];

    public readonly ReadOnlySpan<char> Span => _array.AsSpan(0, Length);

    public readonly char[] Array => _array;

    public void Append(char c)
    {
        if (Length == _array.Length)
        {
            Grow(1);
        }

        _array[Length++] = c;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        if (Length + text.Length > _array.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_array.AsSpan(Length));
        Length += text.Length;
    }

    public void Truncate(int length) => Length = length;

    private void Grow(int more) => System.Array.Resize(ref _array, Math.Max(_array.Length * 2, Length + more));
}
