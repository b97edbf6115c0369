using System.Globalization;
using System.Text;
using Lucene.Net.Tartarus.Snowball.Ext;

namespace ChatCompliance.Core.Knowledge;

/// <summary>
/// Turns text into index terms: lower case, chat shorthand and synonyms expanded (soc2, type ii, SoA,
/// ISMS, pen test…), British spellings folded, stop words dropped, words stemmed (Snowball English).
/// The same analysis runs on entries and on questions, so both meet in the same terms.
/// </summary>
public static class TextAnalyzer
{
    /// <summary>Questions longer than this are cut before analysis: nobody types a 10 kB question on purpose.</summary>
    public const int MaximumQuestionLength = 1000;

    [ThreadStatic]
    private static EnglishStemmer? _stemmer;

    [ThreadStatic]
    private static Dictionary<string, string>? _stems;

    /// <summary>Words that carry no meaning of their own in a question.</summary>
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for", "if", "in", "into", "is", "it", "its", "of", "on", "or",
        "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was", "will", "with", "what", "whats", "which",
        "whom", "how", "when", "where", "why", "do", "does", "did", "done", "doing", "can", "could", "should", "would", "shall",
        "may", "might", "must", "we", "us", "our", "ours", "i", "me", "my", "you", "your", "he", "she", "him", "her", "them", "am",
        "have", "has", "had", "having", "so", "than", "too", "very", "just", "about", "any", "some", "pls", "plz", "please", "hey",
        "hi", "hello", "thanks", "thx", "ok", "okay", "like", "actually", "basically", "really", "get", "got", "tell", "explain",
        "know", "mean", "means", "meaning", "anyone", "someone", "s", "t", "d", "ll", "re", "ve", "m", "im", "u", "ur", "also", "all",
        "there", "here", "from", "up", "out", "over", "again", "still", "even", "only", "own", "same", "other", "each", "both", "more",
        "most", "much", "lot", "lots", "thing", "things", "stuff", "kind", "sort", "way", "quick", "question", "wondering",
        "guys", "team", "anybody", "somebody", "want", "wants", "need", "needs", "needed", "one", "e", "g", "eg", "ie", "etc", "yes", "no",
        "not", "dont", "doesnt", "isnt", "arent", "cant", "wont", "whether", "let", "lets", "right", "nah", "yeah", "r",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> StopWordLookup = StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Characters outside ASCII that lower-casing and accent folding leave as they are: chat punctuation.</summary>
    private const string PlainPunctuation = "\u2018\u2019\u201C\u201D\u2014\u2013\u2026\u00B7\u2022\u00A0\u00A7\u2192\u2194\u00D7";

    [ThreadStatic]
    private static char[]? _lowered;

    [ThreadStatic]
    private static char[]? _rewritten;

    [ThreadStatic]
    private static Dictionary<string, string>? _words;

    /// <summary>The index terms of <paramref name="text"/>, in order, repeats kept.</summary>
    public static List<string> Terms(string text)
    {
        var terms = new List<string>();
        Analyse(text, null, terms);
        return terms;
    }

    /// <summary>The words of <paramref name="text"/> after normalisation and stop-word removal, before stemming.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        Analyse(text, words, null);
        return words;
    }

    /// <summary>Lower case, accents folded, control characters and markup dropped, shorthand expanded.</summary>
    public static string Normalise(string text) => new(Rewritten(text));

    /// <summary>
    /// One pass for the words (and their stems) of a text: the normalised text is scanned in a reused buffer, and each word is
    /// found by its span among the words this thread has seen, so a known word costs no allocation.
    /// </summary>
    internal static void Analyse(string text, List<string>? words, List<string>? terms)
    {
        var normalised = Rewritten(text);
        var known = (_words ??= new Dictionary<string, string>(StringComparer.Ordinal)).GetAlternateLookup<ReadOnlySpan<char>>();
        var i = 0;
        while (i < normalised.Length)
        {
            if (!IsWordCharacter(normalised[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < normalised.Length && IsWordCharacter(normalised[i]))
            {
                i++;
            }

            // Single letters and digits ("1.2" splits into 1 and 2) carry no meaning on their own.
            var span = normalised[start..i];
            if (span.Length <= 1 || StopWordLookup.Contains(span))
            {
                continue;
            }

            if (!known.TryGetValue(span, out var word))
            {
                word = span.ToString();
                if (_words.Count < 100_000)
                {
                    _words[word] = word;
                }
            }

            words?.Add(word);
            terms?.Add(Stem(word));
        }
    }

    private static bool IsWordCharacter(char c) => c is >= 'a' and <= 'z' or >= '0' and <= '9';

    /// <summary>The normalised text, in this thread's buffer: valid until the thread's next analysis.</summary>
    private static ReadOnlySpan<char> Rewritten(string text)
    {
        var source = text.AsSpan(0, Math.Min(text.Length, MaximumQuestionLength));
        var lowered = Lowered(source);
        var output = new CharBuffer(_rewritten ??= new char[256]);
        Shorthand.Rewrite(lowered, ref output);
        _rewritten = output.Array;
        return output.Span;
    }

    /// <summary>Lower case, accents and control characters gone, apostrophes inside words dropped: "Who's" is "whos".</summary>
    private static ReadOnlySpan<char> Lowered(ReadOnlySpan<char> source)
    {
        var plain = true;
        foreach (var c in source)
        {
            if (c >= 128 && !PlainPunctuation.Contains(c, StringComparison.Ordinal))
            {
                plain = false;
                break;
            }
        }

        if (!plain)
        {
            // Rare: letters with accents, other scripts. The framework's case mapping and decomposition, as before.
            source = RemoveDiacritics(source.ToString().ToLowerInvariant());
        }

        var buffer = _lowered is { } b && b.Length >= source.Length ? b : _lowered = new char[Math.Max(256, source.Length)];
        var length = 0;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            c = c switch
            {
                >= 'A' and <= 'Z' => (char)(c + 32),
                < ' ' or '\u007f' => ' ',
                '\u2019' => '\'',
                _ => c,
            };

            // (?<=[a-z])'(?=[a-z]) on the lower-cased text: the characters either side as they were, not as rewritten.
            if (c == '\'' && i > 0 && i + 1 < source.Length && IsLower(source[i - 1]) && IsLower(source[i + 1]))
            {
                continue;
            }

            buffer[length++] = c;
        }

        return buffer.AsSpan(0, length);

        static bool IsLower(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z';
    }

    /// <summary>
    /// Words Snowball folds into one of our terms though they mean something else: "international" is not "internal"
    /// (both stem to "intern"), so "is ISO more international?" must not find internal audits.
    /// </summary>
    private static readonly Dictionary<string, string> StemOverrides = new(StringComparer.Ordinal)
    {
        ["international"] = "internation",
        ["internationally"] = "internation",
        ["internationale"] = "internation",
    };

    /// <summary>The Snowball English stem of a lower-case word (cached per thread).</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || char.IsDigit(word[0]))
        {
            return word;
        }

        var cache = _stems ??= new Dictionary<string, string>(StringComparer.Ordinal);
        if (cache.TryGetValue(word, out var stem))
        {
            return stem;
        }

        if (!StemOverrides.TryGetValue(word, out stem))
        {
            var stemmer = _stemmer ??= new EnglishStemmer();
            stemmer.SetCurrent(word);
            stemmer.Stem();
            stem = stemmer.Current;
        }

        if (cache.Count < 100_000)
        {
            cache[word] = stem;
        }

        return stem;
    }

    private static string RemoveDiacritics(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString();
    }
}
