namespace ChatCompliance.Core.Knowledge;

/// <summary>A named, weighted piece of a document's text; lengths are normalised per field name.</summary>
public sealed record IndexField(string Name, string Text, float Weight);

/// <summary>A document to index.</summary>
/// <param name="Key">What the document stands for (an entry id or a catalog ref); several documents may share a key.</param>
/// <param name="Fields">Its fields (phrasings and titles weigh more than answers).</param>
/// <param name="Prior">A multiplier on the document's score (catalog items yield to curated entries).</param>
/// <param name="IsPhrasing">One way of asking: its key's best phrasing adds to the key's whole-document score.</param>
public sealed record IndexDocument(string Key, IReadOnlyList<IndexField> Fields, float Prior = 1f, bool IsPhrasing = false);

/// <summary>A ranked key and how much of the question it explains.</summary>
/// <param name="Key">The key of the documents that matched.</param>
/// <param name="Score">Whole-document BM25F score plus the best phrasing's, times prior and boost.</param>
/// <param name="Coverage">Share of the question's weight (idf) that the key's documents match, 0 to 1.</param>
public readonly record struct SearchHit(string Key, float Score, float Coverage);

/// <summary>
/// BM25F over an in-memory inverted index (single words and adjacent pairs), with typo correction from the
/// index's own vocabulary (edit distance 1, or 2 for words of eight letters or more). Built once, in
/// parallel; searching is thread-safe and allocates little.
/// </summary>
public sealed class SearchIndex
{
    private const float K1 = 1.2f;
    private const float B = 0.75f;

    /// <summary>Words shorter than this are not corrected: too many are other real words one letter away (pest, rain).</summary>
    private const int MinimumCorrectable = 6;

    /// <summary>Letters per allowed edit: a typo is about one slip in every four or five letters typed (attestaion, certifcate: 1; surveilence: 2).</summary>
    private const int LettersPerEdit = 4;

    /// <summary>The most edits a correction may make, however long the word: beyond it, it is another word.</summary>
    private const int MaximumEdits = 2;

    /// <summary>The weight of a word the index only knows after correcting a typo.</summary>
    private const float CorrectedWeight = 0.8f;

    /// <summary>How much a matching pair of adjacent words adds, relative to a single word.</summary>
    private const float PairWeight = 0.5f;

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
    private readonly Glossary _glossary;

    /// <summary>A term's occurrence: in which document (and so which key), and its BM25F contribution.</summary>
    private readonly record struct Posting(int Document, int Key, bool IsPhrasing, float Contribution);

    /// <summary>Words this common (idf below it) are not used to pick a key's best phrasing: they would only add noise and time.</summary>
    private const float PhraseIdfFloor = 1f;

    /// <summary>Per-thread accumulators, all zero between searches: only touched slots are written, and they are reset.</summary>
    private sealed class Accumulators(int documents, int keys)
    {
        public readonly float[] Score = new float[documents];
        public readonly bool[] Touched = new bool[documents];
        public readonly float[] Matched = new float[keys];
        public readonly float[] Whole = new float[keys];
        public readonly float[] Phrase = new float[keys];
        public readonly bool[] KeyTouched = new bool[keys];
        public readonly List<int> Documents = [];
        public readonly List<int> Keys = [];
    }

    [ThreadStatic]
    private static Accumulators? _accumulators;

    private sealed record Analysed(Dictionary<string, float>[] Counts, int[] Lengths, List<string> Words);

    /// <param name="documents">What to index.</param>
    /// <param name="glossary">Acronyms and their expansions: each finds text written with the other, on both sides.</param>
    public SearchIndex(IReadOnlyList<IndexDocument> documents, Glossary? glossary = null)
    {
        Documents = documents;
        _glossary = glossary ?? Glossary.Empty;
        _priors = [.. documents.Select(d => d.Prior)];
        _isPhrasing = [.. documents.Select(d => d.IsPhrasing)];
        var keyIds = new Dictionary<string, int>(StringComparer.Ordinal);
        _keyOf = [.. documents.Select(d => keyIds.TryGetValue(d.Key, out var k) ? k : keyIds[d.Key] = keyIds.Count)];
        _keys = new string[keyIds.Count];
        foreach (var (key, k) in keyIds)
        {
            _keys[k] = key;
        }

        // Analysis (regex rewrites, stemming) is the expensive part and independent per document.
        var analysed = new Analysed[documents.Count];
        Parallel.For(0, documents.Count, d => analysed[d] = Analyse(documents[d], _glossary));

        var totalLength = new Dictionary<string, (double Total, int Count)>(StringComparer.Ordinal);
        for (var d = 0; d < documents.Count; d++)
        {
            foreach (var word in analysed[d].Words)
            {
                _wordToTerm.TryAdd(word, TextAnalyzer.Stem(word));
                _wordFrequency[word] = _wordFrequency.GetValueOrDefault(word) + 1;
            }

            for (var f = 0; f < documents[d].Fields.Count; f++)
            {
                var name = documents[d].Fields[f].Name;
                var (total, count) = totalLength.GetValueOrDefault(name);
                totalLength[name] = (total + analysed[d].Lengths[f], count + 1);
            }
        }

        var average = totalLength.ToDictionary(p => p.Key, p => Math.Max(1, p.Value.Total / p.Value.Count), StringComparer.Ordinal);
        var building = new List<List<Posting>>();
        for (var d = 0; d < documents.Count; d++)
        {
            var combined = new Dictionary<string, float>(StringComparer.Ordinal);
            for (var f = 0; f < documents[d].Fields.Count; f++)
            {
                var field = documents[d].Fields[f];
                var norm = (float)(1 - B + B * analysed[d].Lengths[f] / average[field.Name]);
                foreach (var (term, tf) in analysed[d].Counts[f])
                {
                    combined[term] = combined.GetValueOrDefault(term) + field.Weight * tf / norm;
                }
            }

            foreach (var (term, tf) in combined)
            {
                if (!_termIds.TryGetValue(term, out var id))
                {
                    _termIds[term] = id = building.Count;
                    building.Add([]);
                }

                building[id].Add(new Posting(d, _keyOf[d], _isPhrasing[d], tf));
            }

            analysed[d] = null!;
        }

        var n = documents.Count;
        _unknownIdf = (float)Math.Log(1 + (n + 0.5) / 0.5);
        foreach (var list in building)
        {
            var idf = (float)Math.Log(1 + (n - list.Count + 0.5) / (list.Count + 0.5));
            _idf.Add(idf);
            _postings.Add([.. list.Select(p => p with { Contribution = _priors[p.Document] * idf * p.Contribution * (K1 + 1) / (p.Contribution + K1) })]);
        }

        // The glossary's words are vocabulary too, so "hipaa" misspelt finds it even where no entry writes it that way.
        foreach (var word in _glossary.Words())
        {
            _wordToTerm.TryAdd(word, TextAnalyzer.Stem(word));
            _wordFrequency.TryAdd(word, 1);
        }

        foreach (var word in _wordToTerm.Keys.Where(w => w.Length >= MinimumCorrectable - 1 && !char.IsDigit(w[0])))
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

    private static Analysed Analyse(IndexDocument document, Glossary glossary)
    {
        var counts = new Dictionary<string, float>[document.Fields.Count];
        var lengths = new int[document.Fields.Count];
        var words = new List<string>();
        for (var f = 0; f < document.Fields.Count; f++)
        {
            counts[f] = new Dictionary<string, float>(StringComparer.Ordinal);
            string? previous = null;
            var sequence = new List<string>();
            foreach (var word in TextAnalyzer.Words(document.Fields[f].Text))
            {
                var term = TextAnalyzer.Stem(word);
                words.Add(word);
                sequence.Add(term);
                counts[f][term] = counts[f].GetValueOrDefault(term) + 1;
                if (previous is not null)
                {
                    var pair = Pair(previous, term);
                    counts[f][pair] = counts[f].GetValueOrDefault(pair) + 1;
                }

                previous = term;
                lengths[f]++;
            }

            // "SoA" is also indexed as "statement of applicability" and the other way round (no pairs: they are not adjacent words).
            foreach (var extra in glossary.Expansions(sequence))
            {
                counts[f][extra] = counts[f].GetValueOrDefault(extra) + 1;
            }
        }

        return new Analysed(counts, lengths, words);
    }

    private static string Pair(string first, string second) => string.Concat(first, " ", second);

    /// <summary>
    /// The analysed question: each term with its weight, and whether the index knows it; adjacent pairs last. A word the
    /// index does not know is corrected to the nearest indexed word within an edit distance that grows with its length
    /// (a split compound, "sub servce", is tried joined first); acronyms and their expansions are added from the glossary.
    /// </summary>
    public IReadOnlyList<QueryTerm> Analyse(string question)
    {
        var terms = new Dictionary<string, QueryTerm>(StringComparer.Ordinal);
        var sequence = new List<string>();
        var words = TextAnalyzer.Words(question);
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var term = TextAnalyzer.Stem(word);
            var known = _termIds.ContainsKey(term);
            var weight = 1f;
            if (i + 1 < words.Count && !_termIds.ContainsKey(TextAnalyzer.Stem(words[i + 1])) && Joined(word, words[i + 1]) is { } joined)
            {
                // "sub servce", "cert ificate": the two halves of one (maybe misspelt) word.
                term = joined.Term;
                known = true;
                weight = joined.Exact ? 1f : CorrectedWeight;
                word += words[++i];
            }
            else if (!known && word.Length is 4 or 5 && word.All(char.IsDigit) && _termIds.ContainsKey(string.Concat("iso", word)))
            {
                // "17024?", "27701": an ISO standard by its number alone, indexed as the entries write it ("ISO/IEC 17024").
                term = string.Concat("iso", word);
                known = true;
            }
            else if (!known && Split(word) is var (name, number))
            {
                // "isae3402", "ssae21": a standard's name and number typed together, indexed apart.
                terms.TryAdd(name, new QueryTerm(name, 1f, _idf[_termIds[name]], Known: true) { Word = word });
                sequence.Add(name);
                term = number;
                known = true;
            }
            else if (!known && Correct(word) is { } corrected)
            {
                term = corrected;
                known = true;
                weight = CorrectedWeight;
            }
            else if (!known && CorrectInContext(word, sequence.Count > 0 ? sequence[^1] : null, i + 1 < words.Count ? TextAnalyzer.Stem(words[i + 1]) : null) is { } fitting)
            {
                term = fitting;
                known = true;
                weight = CorrectedWeight;
            }

            if (!terms.ContainsKey(term))
            {
                terms[term] = new QueryTerm(term, weight, known ? _idf[_termIds[term]] : _unknownIdf, known) { Word = word, Corrected = weight < 1f };
            }

            sequence.Add(term);
        }

        // An acronym and its expansion are one idea: what the glossary adds weighs one word in all.
        var extras = _glossary.Expansions(sequence).Where(t => !terms.ContainsKey(t)).ToList();
        foreach (var extra in extras)
        {
            var id = _termIds.GetValueOrDefault(extra, -1);
            terms[extra] = new QueryTerm(extra, 1f / extras.Count, id >= 0 ? _idf[id] : _unknownIdf, id >= 0) { Expanded = true };
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

    /// <summary>Letters then digits typed as one word ("isae3402") whose two parts the index knows apart; null otherwise.</summary>
    private (string Name, string Number)? Split(string word)
    {
        var digits = word.AsSpan().IndexOfAnyInRange('0', '9');
        if (digits < 2 || word.AsSpan(digits).ContainsAnyExceptInRange('0', '9'))
        {
            return null;
        }

        var name = TextAnalyzer.Stem(word[..digits]);
        var number = word[digits..];
        return _termIds.ContainsKey(name) && _termIds.ContainsKey(number) ? (name, number) : null;
    }

    /// <summary>Two words typed apart as one indexed word, maybe misspelt (the second is one the index does not know).</summary>
    private (string Term, bool Exact)? Joined(string first, string second)
    {
        var word = first + second;
        if (_wordToTerm.TryGetValue(word, out var exact) && _termIds.ContainsKey(exact))
        {
            return (exact, true);
        }

        // A short second word ("audit irs") is likelier a word of its own than half of a misspelt one.
        return second.Length >= MinimumCorrectable - 1 && Correct(word) is { } corrected ? (corrected, false) : null;
    }

    /// <summary>The inverse document frequency of an indexed term; the highest for a term the index does not know.</summary>
    public float IdfOf(string term) => _termIds.TryGetValue(term, out var id) ? _idf[id] : _unknownIdf;

    /// <summary>The idf a term has when it occurs in one document in <paramref name="documents"/>.</summary>
    public float IdfAt(int documents) => (float)Math.Log(1 + (Documents.Count - documents + 0.5) / (documents + 0.5));

    /// <summary>The best <paramref name="count"/> keys for the analysed question, best first.</summary>
    /// <param name="query">The analysed question.</param>
    /// <param name="count">How many keys to return.</param>
    /// <param name="filter">Keys allowed in the result; null allows all.</param>
    /// <param name="boost">A multiplier per key (framework affinity and the like); null is 1.</param>
    public IReadOnlyList<SearchHit> Search(IReadOnlyList<QueryTerm> query, int count, Func<string, bool>? filter = null, Func<string, float>? boost = null)
    {
        if (Documents.Count == 0 || query.Count == 0)
        {
            return [];
        }

        if (_accumulators is null || _accumulators.Score.Length < Documents.Count || _accumulators.Whole.Length < _keys.Length)
        {
            _accumulators = new Accumulators(Math.Max(Documents.Count, _accumulators?.Score.Length ?? 0), Math.Max(_keys.Length, _accumulators?.Whole.Length ?? 0));
        }

        var a = _accumulators;
        try
        {
            // Whole documents (one per key) accumulate straight into their key; phrasings per document, then their best per key.
            var totalWeight = 0f;
            foreach (var term in query)
            {
                totalWeight += term.IsPair ? 0 : term.Weight * term.Idf;
                if (!term.Known || !_termIds.TryGetValue(term.Term, out var id))
                {
                    continue;
                }

                var matchWeight = term.IsPair ? 0 : term.Weight * term.Idf;
                var usePhrasings = term.Idf >= PhraseIdfFloor;
                foreach (var posting in _postings[id])
                {
                    if (posting.IsPhrasing)
                    {
                        if (usePhrasings)
                        {
                            var d = posting.Document;
                            if (!a.Touched[d])
                            {
                                a.Touched[d] = true;
                                a.Documents.Add(d);
                            }

                            a.Score[d] += term.Weight * posting.Contribution;
                        }

                        continue;
                    }

                    var k = posting.Key;
                    if (!a.KeyTouched[k])
                    {
                        a.KeyTouched[k] = true;
                        a.Keys.Add(k);
                    }

                    a.Whole[k] += term.Weight * posting.Contribution;
                    a.Matched[k] += matchWeight;
                }
            }

            foreach (var d in a.Documents)
            {
                var k = _keyOf[d];
                if (!a.KeyTouched[k])
                {
                    a.KeyTouched[k] = true;
                    a.Keys.Add(k);
                }

                a.Phrase[k] = Math.Max(a.Phrase[k], a.Score[d]);
            }

            var best = new PriorityQueue<SearchHit, float>(count + 1);
            foreach (var k in a.Keys)
            {
                if (filter is not null && !filter(_keys[k]))
                {
                    continue;
                }

                var coverage = totalWeight == 0 ? 0 : Math.Min(1f, a.Matched[k] / totalWeight);
                var hit = new SearchHit(_keys[k], (a.Whole[k] + a.Phrase[k]) * (boost?.Invoke(_keys[k]) ?? 1f), coverage);
                if (best.Count < count)
                {
                    best.Enqueue(hit, hit.Score);
                }
                else if (hit.Score > best.Peek().Score)
                {
                    best.DequeueEnqueue(hit, hit.Score);
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
            foreach (var d in a.Documents)
            {
                a.Score[d] = 0f;
                a.Touched[d] = false;
            }

            foreach (var k in a.Keys)
            {
                a.Whole[k] = 0f;
                a.Phrase[k] = 0f;
                a.Matched[k] = 0f;
                a.KeyTouched[k] = false;
            }

            a.Documents.Clear();
            a.Keys.Clear();
        }
    }

    /// <summary>
    /// Corrections already worked out, by word, as stems are (<see cref="TextAnalyzer.Stem"/>): a misspelling or a word the
    /// index never has ("diabetes", or two words run together) costs a candidate search the first time and a look-up after.
    /// Bounded: emptied when full.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _corrections = new(StringComparer.Ordinal);

    private const int MaximumRememberedCorrections = 50_000;

    /// <summary>The most frequent indexed word within reach of a misspelt one, as its term (remembered per word).</summary>
    private string? Correct(string word)
    {
        if (_corrections.TryGetValue(word, out var remembered))
        {
            return remembered;
        }

        if (_corrections.Count >= MaximumRememberedCorrections)
        {
            _corrections.Clear();
        }

        return _corrections[word] = Correction(word);
    }

    private string? Correction(string word)
    {
        // A number is a name (iso42001 is not a misspelt iso27001): never corrected.
        if (word.Length < MinimumCorrectable || word.Any(char.IsDigit))
        {
            return null;
        }

        if (_wordToTerm.TryGetValue(word, out var direct))
        {
            return _termIds.ContainsKey(direct) ? direct : null;
        }

        var limit = Math.Clamp(word.Length / LettersPerEdit, 1, MaximumEdits);
        string? best = null;
        var bestFrequency = 0;
        foreach (var candidate in Candidates(word))
        {
            var frequency = _wordFrequency[candidate];
            if (frequency > bestFrequency && Distance(word, candidate) <= limit)
            {
                best = candidate;
                bestFrequency = frequency;
            }
        }

        return best is not null && _termIds.ContainsKey(_wordToTerm[best]) ? _wordToTerm[best] : null;
    }

    /// <summary>Words too short to correct alone are corrected when the correction makes an indexed pair with a neighbour ("bridge leter").</summary>
    private const int MinimumContextCorrectable = 4;

    /// <summary>
    /// A short misspelt word (too short for <see cref="Correct"/>: "leter" could be many words) read as the indexed word one
    /// edit away that forms a pair the index knows with the word before or after it ("bridge letter", "risk owner").
    /// </summary>
    private string? CorrectInContext(string word, string? before, string? after)
    {
        if (word.Length < MinimumContextCorrectable || word.Length >= MinimumCorrectable || word.Any(char.IsDigit) || (before is null && after is null))
        {
            return null;
        }

        string? best = null;
        var bestFrequency = 0;
        foreach (var candidate in Candidates(word))
        {
            var term = _wordToTerm[candidate];
            var frequency = _wordFrequency[candidate];
            if (frequency > bestFrequency && _termIds.ContainsKey(term) && Distance(word, candidate) <= 1
                && ((before is not null && _termIds.ContainsKey(Pair(before, term))) || (after is not null && _termIds.ContainsKey(Pair(term, after)))))
            {
                best = term;
                bestFrequency = frequency;
            }
        }

        return best;
    }

    /// <summary>Indexed words within reach of <paramref name="word"/> by deletions on either side (the symmetric-delete candidates).</summary>
    private HashSet<string> Candidates(string word)
    {
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

        return candidates;
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
public sealed record QueryTerm(string Term, float Weight, float Idf, bool Known, bool IsPair = false)
{
    /// <summary>The word as asked (before correction), when the term came from one.</summary>
    public string? Word { get; init; }

    /// <summary>The word was a typo, corrected to <see cref="Term"/>.</summary>
    public bool Corrected { get; init; }

    /// <summary>Added by the glossary (an acronym's expansion or the other way round), not asked.</summary>
    public bool Expanded { get; init; }
}
