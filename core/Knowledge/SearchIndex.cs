namespace ChatCompliance.Core.Knowledge;

/// <summary>A document to index: weighted fields of text.</summary>
/// <param name="Key">What the document stands for (an entry id or a catalog ref); several documents may share a key.</param>
/// <param name="Fields">Field texts with their weights (phrasings and titles weigh more than answers).</param>
/// <param name="Prior">A multiplier on the document's score (catalog items yield to curated entries).</param>
/// <param name="IsPhrasing">One way of asking: its key's best phrasing adds to the key's whole-document score.</param>
public sealed record IndexDocument(string Key, IReadOnlyList<(string Text, float Weight)> Fields, float Prior = 1f, bool IsPhrasing = false);

/// <summary>A ranked key and how much of the question it explains.</summary>
/// <param name="Key">The key of the documents that matched.</param>
/// <param name="Score">Whole-document BM25F score plus a share of the best phrasing's, times the prior.</param>
/// <param name="Coverage">Share of the question's weight (idf) that the key's documents match, 0 to 1.</param>
/// <param name="PhraseCoverage">The same share for the key's best-matching single phrasing.</param>
public readonly record struct SearchHit(string Key, float Score, float Coverage, float PhraseCoverage);

/// <summary>
/// BM25F over an in-memory inverted index, with typo correction from the index's own vocabulary
/// (edit distance 1, or 2 for words of eight letters or more). Built once; searching is thread-safe.
/// </summary>
public sealed class SearchIndex
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    /// <summary>How much a key's best single phrasing adds to its whole-document score.</summary>
    private const float PhraseShare = 1f;

    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly List<Posting[]> _postings = [];
    private readonly List<float> _idf = [];
    private readonly Dictionary<string, string> _wordToTerm = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _deletes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _wordFrequency = new(StringComparer.Ordinal);
    private readonly float[] _priors;
    private readonly int[] _keyOf;
    private readonly bool[] _isPhrasing;
    private readonly string[] _keys;
    private readonly float _unknownIdf;

    private readonly record struct Posting(int Document, float Contribution);

    [ThreadStatic]
    private static float[]? _scores;

    [ThreadStatic]
    private static float[]? _matched;

    public SearchIndex(IReadOnlyList<IndexDocument> documents)
    {
        Documents = documents;
        _priors = [.. documents.Select(d => d.Prior)];
        _isPhrasing = [.. documents.Select(d => d.IsPhrasing)];
        var keyIds = new Dictionary<string, int>(StringComparer.Ordinal);
        _keyOf = [.. documents.Select(d => keyIds.TryGetValue(d.Key, out var k) ? k : keyIds[d.Key] = keyIds.Count)];
        _keys = new string[keyIds.Count];
        foreach (var (key, k) in keyIds)
        {
            _keys[k] = key;
        }
        var fieldCount = documents.Count == 0 ? 0 : documents.Max(d => d.Fields.Count);
        var analysed = new List<(Dictionary<string, float>[] Counts, int[] Lengths)>(documents.Count);
        var totalLength = new double[fieldCount];
        var fieldDocs = new int[fieldCount];
        foreach (var document in documents)
        {
            var counts = new Dictionary<string, float>[document.Fields.Count];
            var lengths = new int[document.Fields.Count];
            for (var f = 0; f < document.Fields.Count; f++)
            {
                counts[f] = new Dictionary<string, float>(StringComparer.Ordinal);
                string? previous = null;
                foreach (var word in TextAnalyzer.Words(document.Fields[f].Text))
                {
                    var term = TextAnalyzer.Stem(word);
                    _wordToTerm.TryAdd(word, term);
                    _wordFrequency[word] = _wordFrequency.GetValueOrDefault(word) + 1;
                    counts[f][term] = counts[f].GetValueOrDefault(term) + 1;
                    if (previous is not null)
                    {
                        var pair = Pair(previous, term);
                        counts[f][pair] = counts[f].GetValueOrDefault(pair) + 1;
                    }

                    previous = term;
                    lengths[f]++;
                }

                totalLength[f] += lengths[f];
                fieldDocs[f]++;
            }

            analysed.Add((counts, lengths));
        }

        var average = totalLength.Select((t, f) => fieldDocs[f] == 0 ? 1 : Math.Max(1, t / fieldDocs[f])).ToArray();
        var building = new List<List<Posting>>();
        for (var d = 0; d < documents.Count; d++)
        {
            var (counts, lengths) = analysed[d];
            var combined = new Dictionary<string, float>(StringComparer.Ordinal);
            for (var f = 0; f < counts.Length; f++)
            {
                var norm = (float)(1 - B + B * lengths[f] / average[f]);
                foreach (var (term, tf) in counts[f])
                {
                    combined[term] = combined.GetValueOrDefault(term) + documents[d].Fields[f].Weight * tf / norm;
                }
            }

            foreach (var (term, tf) in combined)
            {
                if (!_termIds.TryGetValue(term, out var id))
                {
                    _termIds[term] = id = building.Count;
                    building.Add([]);
                }

                building[id].Add(new Posting(d, tf));
            }
        }

        var n = documents.Count;
        _unknownIdf = (float)Math.Log(1 + (n + 0.5) / 0.5);
        foreach (var list in building)
        {
            var idf = (float)Math.Log(1 + (n - list.Count + 0.5) / (list.Count + 0.5));
            _idf.Add(idf);
            _postings.Add([.. list.Select(p => new Posting(p.Document, idf * p.Contribution * (K1 + 1) / (p.Contribution + K1)))]);
        }

        foreach (var word in _wordToTerm.Keys.Where(w => w.Length >= 4 && !char.IsDigit(w[0])))
        {
            foreach (var variant in DeleteOne(word))
            {
                if (!_deletes.TryGetValue(variant, out var words))
                {
                    _deletes[variant] = words = [];
                }

                words.Add(word);
            }
        }
    }

    public IReadOnlyList<IndexDocument> Documents { get; }

    /// <summary>Words shorter than this are not corrected: too many are other real words one letter away (pest, rain).</summary>
    private const int MinimumCorrectable = 6;

    /// <summary>The weight of a word the index only knows after correcting a typo.</summary>
    private const float CorrectedWeight = 0.8f;

    /// <summary>How much a matching pair of adjacent words adds, relative to a single word.</summary>
    private const float PairWeight = 0.5f;

    private static string Pair(string first, string second) => string.Concat(first, " ", second);

    /// <summary>The analysed question: each term with its weight, and whether the index knows it; adjacent pairs last.</summary>
    public IReadOnlyList<QueryTerm> Analyse(string question)
    {
        var terms = new Dictionary<string, QueryTerm>(StringComparer.Ordinal);
        var sequence = new List<string>();
        foreach (var word in TextAnalyzer.Words(question))
        {
            var term = TextAnalyzer.Stem(word);
            var known = _termIds.ContainsKey(term);
            var weight = 1f;
            if (!known && Correct(word) is { } corrected)
            {
                term = corrected;
                known = true;
                weight = CorrectedWeight;
            }

            if (!terms.ContainsKey(term))
            {
                terms[term] = new QueryTerm(term, weight, known ? _idf[_termIds[term]] : _unknownIdf, known);
            }

            sequence.Add(term);
        }

        for (var i = 1; i < sequence.Count; i++)
        {
            var pair = Pair(sequence[i - 1], sequence[i]);
            if (_termIds.TryGetValue(pair, out var id) && !terms.ContainsKey(pair))
            {
                terms[pair] = new QueryTerm(pair, PairWeight, _idf[id], Known: true, IsPair: true);
            }
        }

        return [.. terms.Values];
    }

    /// <summary>The best <paramref name="count"/> documents for the analysed question, best first.</summary>
    public IReadOnlyList<SearchHit> Search(IReadOnlyList<QueryTerm> query, int count, Func<string, bool>? filter = null, Func<string, float>? boost = null)
    {
        var n = Documents.Count;
        if (n == 0 || query.Count == 0)
        {
            return [];
        }

        // Per-thread accumulators, all zero between searches (only the touched slots are ever written and reset).
        if (_scores is null || _scores.Length < n)
        {
            _scores = new float[n];
            _matched = new float[n];
        }

        var scores = _scores;
        var matched = _matched!;
        var touched = new List<int>();
        try
        {
            var totalWeight = 0f;
            foreach (var term in query)
            {
                totalWeight += term.IsPair ? 0 : term.Weight * term.Idf;
                if (!term.Known || !_termIds.TryGetValue(term.Term, out var id))
                {
                    continue;
                }

                foreach (var posting in _postings[id])
                {
                    if (scores[posting.Document] == 0f && matched[posting.Document] == 0f)
                    {
                        touched.Add(posting.Document);
                    }

                    scores[posting.Document] += term.Weight * posting.Contribution;
                    matched[posting.Document] += term.IsPair ? 0 : term.Weight * term.Idf;
                }
            }

            var perKey = new Dictionary<int, (float Whole, float Phrase, float Coverage, float PhraseCoverage)>();
            foreach (var d in touched)
            {
                var k = _keyOf[d];
                if (filter is not null && !filter(_keys[k]))
                {
                    continue;
                }

                var coverage = totalWeight == 0 ? 0 : matched[d] / totalWeight;
                var current = perKey.GetValueOrDefault(k);
                perKey[k] = _isPhrasing[d]
                    ? (current.Whole, Math.Max(current.Phrase, scores[d] * _priors[d]), Math.Max(current.Coverage, coverage), Math.Max(current.PhraseCoverage, coverage))
                    : (current.Whole + scores[d] * _priors[d], current.Phrase, Math.Max(current.Coverage, coverage), current.PhraseCoverage);
            }

            var best = new PriorityQueue<SearchHit, float>(count + 1);
            foreach (var (k, v) in perKey)
            {
                var hit = new SearchHit(_keys[k], (v.Whole + PhraseShare * v.Phrase) * (boost?.Invoke(_keys[k]) ?? 1f), v.Coverage, v.PhraseCoverage);
                best.Enqueue(hit, hit.Score);
                if (best.Count > count)
                {
                    best.Dequeue();
                }
            }

            var result = new SearchHit[best.Count];
            for (var i = result.Length - 1; i >= 0; i--)
            {
                result[i] = best.Dequeue();
            }

            return result;
        }
        finally
        {
            foreach (var d in touched)
            {
                scores[d] = 0f;
                matched[d] = 0f;
            }

        }
    }

    /// <summary>The most frequent indexed word within reach of a misspelt one, as its term.</summary>
    private string? Correct(string word)
    {
        if (word.Length < MinimumCorrectable || char.IsDigit(word[0]))
        {
            return null;
        }

        if (_wordToTerm.TryGetValue(word, out var direct))
        {
            return direct;
        }

        var limit = word.Length >= 8 ? 2 : 1;
        string? best = null;
        var bestFrequency = 0;
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        if (_deletes.TryGetValue(word, out var fromWord))
        {
            candidates.UnionWith(fromWord);
        }

        foreach (var variant in DeleteOne(word))
        {
            if (_wordToTerm.ContainsKey(variant))
            {
                candidates.Add(variant);
            }

            if (_deletes.TryGetValue(variant, out var words))
            {
                candidates.UnionWith(words);
            }
        }

        foreach (var candidate in candidates)
        {
            var frequency = _wordFrequency[candidate];
            if (frequency > bestFrequency && Distance(word, candidate) <= limit)
            {
                best = candidate;
                bestFrequency = frequency;
            }
        }

        return best is null ? null : _wordToTerm[best];
    }

    private static IEnumerable<string> DeleteOne(string word)
    {
        for (var i = 0; i < word.Length; i++)
        {
            yield return string.Concat(word.AsSpan(0, i), word.AsSpan(i + 1));
        }
    }

    /// <summary>Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}

/// <summary>One term of an analysed question.</summary>
/// <param name="Term">The stemmed term (after typo correction).</param>
/// <param name="Weight">1, or less for a corrected typo.</param>
/// <param name="Idf">Inverse document frequency; unknown words get the highest.</param>
/// <param name="Known">Whether any document contains the term.</param>
/// <param name="IsPair">Two adjacent words: adds to the score, not to the coverage.</param>
public sealed record QueryTerm(string Term, float Weight, float Idf, bool Known, bool IsPair = false);
