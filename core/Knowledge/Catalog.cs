using CsvHelper;

namespace ChatCompliance.Core.Knowledge;

/// <summary>Which catalog an item belongs to.</summary>
public enum CatalogKind
{
    /// <summary>A SOC 2 Trust Services Criterion (<c>SOC2:CC6.1</c>).</summary>
    Soc2Criterion,
    /// <summary>An ISO/IEC 27001:2022 clause or sub-clause (<c>ISO27001:9.2</c>).</summary>
    IsoClause,
    /// <summary>An ISO/IEC 27001:2022 Annex A control (<c>ISO27001:A.5.15</c>).</summary>
    AnnexAControl,
}

/// <summary>One criterion, clause or control: id and title are facts, the description is ours.</summary>
public sealed record CatalogItem(string Ref, string Code, CatalogKind Kind, string Title, string Description, string Group, bool NewIn2022)
{
    /// <summary>How people read the id: <c>CC6.1</c>, <c>clause 9.2</c>, <c>A.5.15</c>.</summary>
    public string DisplayId => Kind == CatalogKind.IsoClause ? $"ISO 27001 clause {Code}" : Kind == CatalogKind.AnnexAControl ? $"ISO 27001 {Code}" : $"SOC 2 {Code}";
}

/// <summary>The SOC 2 and ISO/IEC 27001:2022 catalogs and the crosswalk between them.</summary>
public sealed class Catalog
{
    public const string Soc2Prefix = "SOC2:";
    public const string IsoPrefix = "ISO27001:";

    private readonly Dictionary<string, CatalogItem> _items;
    private readonly Dictionary<string, List<CrosswalkPair>> _pairsByRef;

    public Catalog(IEnumerable<CatalogItem> items, IEnumerable<CrosswalkPair> crosswalk, IReadOnlyDictionary<string, Source>? sources = null,
        IReadOnlyDictionary<string, CrosswalkSource>? crosswalkSources = null)
    {
        Sources = sources ?? new Dictionary<string, Source>();
        CrosswalkSources = crosswalkSources ?? new Dictionary<string, CrosswalkSource>();
        Items = [.. items];
        Crosswalk = [.. crosswalk];
        _items = Items.GroupBy(i => i.Ref, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        _pairsByRef = new Dictionary<string, List<CrosswalkPair>>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in Crosswalk)
        {
            Add(pair.Soc2Ref, pair);
            Add(pair.IsoRef, pair);
        }

        void Add(string key, CrosswalkPair pair)
        {
            if (!_pairsByRef.TryGetValue(key, out var list))
            {
                _pairsByRef[key] = list = [];
            }

            list.Add(pair);
        }
    }

    public IReadOnlyList<CatalogItem> Items { get; }

    public IReadOnlyList<CrosswalkPair> Crosswalk { get; }

    /// <summary>The primary source of each framework's catalog, by prefix without the colon (<c>SOC2</c>, <c>ISO27001</c>).</summary>
    public IReadOnlyDictionary<string, Source> Sources { get; }

    /// <summary>The mappings of record the crosswalk's pairs cite, by id (<c>crosswalk_sources.csv</c>).</summary>
    public IReadOnlyDictionary<string, CrosswalkSource> CrosswalkSources { get; }

    /// <summary>The primary source for an item's framework.</summary>
    public Source? SourceOf(string reference) => Sources.GetValueOrDefault(reference[..reference.IndexOf(':', StringComparison.Ordinal)]);

    public CatalogItem? Find(string reference) => _items.GetValueOrDefault(reference);

    public bool Contains(string reference) => _items.ContainsKey(reference);

    /// <summary>The crosswalk pairs that involve <paramref name="reference"/>, on either side.</summary>
    public IReadOnlyList<CrosswalkPair> PairsOf(string reference) => _pairsByRef.TryGetValue(reference, out var list) ? list : [];

    /// <summary>Reads the CSV files of <c>knowledge/catalogs/</c>.</summary>
    public static Catalog Load(string folder)
    {
        var items = new List<CatalogItem>();
        foreach (var row in Read(Path.Combine(folder, "soc2_criteria.csv")))
        {
            items.Add(new CatalogItem(Soc2Prefix + row["id"], row["id"], CatalogKind.Soc2Criterion, row["title"], row["description"], row["category"], false));
        }

        foreach (var row in Read(Path.Combine(folder, "iso27001_clauses.csv")))
        {
            items.Add(new CatalogItem(IsoPrefix + row["id"], row["id"], CatalogKind.IsoClause, row["title"], row["description"], row["parent_id"], false));
        }

        foreach (var row in Read(Path.Combine(folder, "iso27001_annex_a.csv")))
        {
            items.Add(new CatalogItem(IsoPrefix + row["id"], row["id"], CatalogKind.AnnexAControl, row["title"], row["description"], row["theme"],
                string.Equals(row["new_in_2022"], "yes", StringComparison.OrdinalIgnoreCase)));
        }

        var pairs = Read(Path.Combine(folder, "crosswalk.csv"))
            .Select(r => new CrosswalkPair(Soc2Prefix + r["soc2"], IsoPrefix + r["iso27001"], r["rationale"], r.GetValueOrDefault("source") ?? "",
                r.GetValueOrDefault("strength") ?? ""))
            .ToList();
        var sourcesFile = Path.Combine(folder, "sources.csv");
        var sources = File.Exists(sourcesFile)
            ? Read(sourcesFile).ToDictionary(r => r["catalog"], r => new Source(r["title"], r["url"]), StringComparer.OrdinalIgnoreCase)
            : [];
        // Without the file every pair's source is unknown, which kb check reports pair by pair.
        var crosswalkSourcesFile = Path.Combine(folder, "crosswalk_sources.csv");
        var crosswalkSources = File.Exists(crosswalkSourcesFile)
            ? Read(crosswalkSourcesFile)
                .Select(r => new CrosswalkSource(r["id"], r["title"], r.GetValueOrDefault("url") ?? "", r.GetValueOrDefault("licence") ?? "", r.GetValueOrDefault("covers") ?? ""))
                .GroupBy(s => s.Id, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal)
            : [];
        return new Catalog(items, pairs, sources, crosswalkSources);
    }

    private static List<Dictionary<string, string>> Read(string path)
    {
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true, TrimWhitespace = true, AllowLineBreaksInQuotes = true });
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in csv.Headers)
            {
                row[name] = csv.GetString(name) ?? "";
            }

            rows.Add(row);
        }

        return rows;
    }
}
