using ChatCompliance.Core.Knowledge;
using CsvHelper;

namespace ChatCompliance.Tests.Knowledge;

public sealed class KnowledgeBaseCheckTests(KnowledgeFixture fixture) : IClassFixture<KnowledgeFixture>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cc-kb-").FullName;

    [Fact]
    public void The_real_knowledge_base_has_no_problems_and_covers_what_it_must()
    {
        Assert.Empty(fixture.Problems);
        Assert.True(fixture.KnowledgeBase.Entries.Count >= 150, $"{fixture.KnowledgeBase.Entries.Count} entries");
        var catalog = fixture.KnowledgeBase.Catalog;
        Assert.Equal(61, catalog.Items.Count(i => i.Kind == CatalogKind.Soc2Criterion));
        Assert.Equal(93, catalog.Items.Count(i => i.Kind == CatalogKind.AnnexAControl));
        Assert.Equal(11, catalog.Items.Count(i => i.Kind == CatalogKind.AnnexAControl && i.NewIn2022));
        Assert.Equal(["Organizational", "People", "Physical", "Technological"], catalog.Items.Where(i => i.Kind == CatalogKind.AnnexAControl).Select(i => i.Group).Distinct().Order());
        Assert.Contains(catalog.Items, i => i.Ref == "ISO27001:6.1.2");
        Assert.All(fixture.KnowledgeBase.Entries, e => Assert.True(e.Questions.Count >= 4, e.Id));
        Assert.All(catalog.Items.Where(i => i.Kind == CatalogKind.Soc2Criterion && i.Code.StartsWith("CC", StringComparison.Ordinal)),
            i => Assert.NotEmpty(catalog.PairsOf(i.Ref)));
    }

    [Fact]
    public void The_catalog_ids_and_titles_match_the_reference_lists()
    {
        // Independent lists of the standards' ids and titles, kept in Knowledge/reference/ (see its README).
        var catalog = fixture.KnowledgeBase.Catalog;
        string[] Product(CatalogKind kind, Func<CatalogItem, string[]> fields) =>
            [.. catalog.Items.Where(i => i.Kind == kind).Select(i => string.Join(" | ", [i.Code, .. fields(i)]))];

        Assert.Equal(Reference("soc2_tsc_ids.csv", "category"), Product(CatalogKind.Soc2Criterion, i => [i.Group]));
        Assert.Equal(Reference("iso27001_2022_annex_a.csv", "title", "theme", "new_in_2022"),
            Product(CatalogKind.AnnexAControl, i => [i.Title, i.Group, i.NewIn2022 ? "yes" : "no"]));
        Assert.Equal(Reference("iso27001_2022_clauses.csv", "title", "parent_id"), Product(CatalogKind.IsoClause, i => [i.Title, i.Group]));
        Assert.Equal(61 + 93 + 41, catalog.Items.Count);
    }

    [Fact]
    public void A_broken_knowledge_base_reports_every_problem_with_its_file()
    {
        CopyCatalogs();
        Write("good-entry", Entry("good-entry", related: "missing-entry", references: "SOC2:CC6.1"));
        Write("unknown-ref", Entry("unknown-ref", references: "SOC2:CC99.9"));
        Write("wrong-name", Entry("other-id"));
        Write("no-questions", Entry("no-questions").Replace("  - q1\n  - q2\n  - q3\n  - q4\n", ""));
        Write("no-front-matter", "just text");
        Write("dead-link", Entry("dead-link", body: "See [this](entry:nowhere)."));

        var (_, problems) = KnowledgeBase.Load(_folder);
        var text = string.Join('\n', problems);

        Assert.Contains("good-entry.md: related entry 'missing-entry' does not exist", text, StringComparison.Ordinal);
        Assert.Contains("unknown reference 'SOC2:CC99.9'", text, StringComparison.Ordinal);
        Assert.Contains("wrong-name.md: id 'other-id' differs from the file name", text, StringComparison.Ordinal);
        Assert.Contains("no-questions.md: needs at least 4 questions", text, StringComparison.Ordinal);
        Assert.Contains("no-front-matter.md: no YAML front matter", text, StringComparison.Ordinal);
        Assert.Contains("link to entry 'nowhere' goes nowhere", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_ids_are_reported()
    {
        CopyCatalogs();
        Write("one", Entry("same"));
        Write("two", Entry("same"));

        var (_, problems) = KnowledgeBase.Load(_folder);

        Assert.Contains(problems, p => p.Message.Contains("id 'same' is used by 2 entries", StringComparison.Ordinal));
    }

    [Theory]
    // soc2, iso27001, strength, rationale, source → what kb check must say
    [InlineData("CC6.1,A.5.15,related,A reason.,", "pair SOC2:CC6.1 - ISO27001:A.5.15 needs a source")]
    [InlineData("CC6.1,A.5.15,related,,ours", "pair SOC2:CC6.1 - ISO27001:A.5.15 needs a rationale")]
    [InlineData("CC6.1,A.5.15,strong,A reason.,ours", "pair SOC2:CC6.1 - ISO27001:A.5.15 has unknown strength 'strong'")]
    [InlineData("CC6.1,A.5.15,,A reason.,ours", "pair SOC2:CC6.1 - ISO27001:A.5.15 has unknown strength ''")]
    [InlineData("CC6.1,A.5.15,related,A reason.,https://example.com/blog", "pair SOC2:CC6.1 - ISO27001:A.5.15 cites unknown source 'https://example.com/blog'")]
    [InlineData("CC6.1,A.5.15,equivalent,A reason.,ours", "pair SOC2:CC6.1 - ISO27001:A.5.15 is ours alone, so it can be no more than 'related'")]
    [InlineData("CC8.1,A.8.32,equivalent,Said twice.,intuitem-soc2-iso27001-2022", "pair SOC2:CC8.1 - ISO27001:A.8.32 appears 2 times")]
    public void Kb_check_refuses_a_crosswalk_pair_without_a_source_of_record_a_rationale_or_a_known_strength(string row, string expected)
    {
        CopyCatalogs();
        var crosswalk = Path.Combine(_folder, "catalogs", "crosswalk.csv");
        var lines = File.ReadAllLines(crosswalk).ToList();
        // Replace the real CC6.1 - A.5.15 row (or add a second CC8.1 - A.8.32) so that only the row under test is wrong.
        lines.RemoveAll(l => l.StartsWith("CC6.1,A.5.15,", StringComparison.Ordinal));
        lines.Add(row);
        File.WriteAllLines(crosswalk, lines);

        var (_, problems) = KnowledgeBase.Load(_folder);

        var problem = Assert.Single(problems);
        Assert.Equal("catalogs/crosswalk.csv", problem.File);
        Assert.StartsWith(expected, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kb_check_refuses_every_pair_when_the_sources_of_record_are_missing()
    {
        CopyCatalogs();
        File.Delete(Path.Combine(_folder, "catalogs", "crosswalk_sources.csv"));

        var (kb, problems) = KnowledgeBase.Load(_folder);

        Assert.Equal(kb.Catalog.Crosswalk.Count, problems.Count(p => p.Message.Contains("cites unknown source", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_crosswalk_pair_has_a_rationale_a_strength_and_a_source_of_record()
    {
        var catalog = fixture.KnowledgeBase.Catalog;

        Assert.All(catalog.Crosswalk, p =>
        {
            Assert.False(string.IsNullOrWhiteSpace(p.Rationale), $"{p.Soc2Ref} - {p.IsoRef}");
            Assert.Contains(p.Strength, CrosswalkStrength.All);
            Assert.True(catalog.CrosswalkSources.ContainsKey(p.Source), $"{p.Soc2Ref} - {p.IsoRef} cites '{p.Source}'");
        });
        Assert.All(catalog.CrosswalkSources.Values.Where(s => s.Id != CrosswalkSource.Ours), s => Assert.NotEmpty(s.Licence));
        Assert.Equal(catalog.Crosswalk.Count, catalog.Crosswalk.DistinctBy(p => (p.Soc2Ref, p.IsoRef)).Count());
    }

    [Theory]
    [InlineData("CC2.1", "A.5.9")]
    [InlineData("CC2.1", "A.5.12")]
    [InlineData("CC3.2", "A.8.8")]
    [InlineData("CC1.3", "A.5.3")]
    [InlineData("CC9.1", "8.2")]
    [InlineData("CC9.1", "A.8.13")]
    [InlineData("CC7.5", "A.5.24")]
    [InlineData("CC7.5", "A.5.26")]
    [InlineData("C1.1", "A.8.24")]
    [InlineData("CC4.1", "A.8.8")]
    [InlineData("CC2.2", "A.6.2")]
    [InlineData("CC2.2", "A.6.3")]
    public void The_pairs_issue_17_found_missing_are_in_the_crosswalk(string soc2, string iso)
    {
        var pair = Assert.Single(fixture.KnowledgeBase.Catalog.PairsOf(Catalog.Soc2Prefix + soc2), p => p.IsoRef == Catalog.IsoPrefix + iso);

        Assert.Contains(pair.Strength, CrosswalkStrength.All);
        Assert.NotEmpty(pair.Rationale);
    }

    /// <summary>"id | column | …" for each row of a reference list, in file order.</summary>
    private static string[] Reference(string file, params string[] columns)
    {
        var path = Path.Combine(KnowledgeFixture.RepositoryRoot, "tests", "ChatCompliance.Tests", "Knowledge", "reference", file);
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { HasHeader = true });
        var rows = new List<string>();
        while (csv.Read())
        {
            rows.Add(string.Join(" | ", ((string[])["id", .. columns]).Select(c => csv.GetString(c))));
        }

        Assert.NotEmpty(rows);
        return [.. rows];
    }

    private void CopyCatalogs()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "entries"));
        Directory.CreateDirectory(Path.Combine(_folder, "catalogs"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(fixture.Folder, "catalogs")))
        {
            File.Copy(file, Path.Combine(_folder, "catalogs", Path.GetFileName(file)));
        }
    }

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_folder, "entries", name + ".md"), text);

    private static string Entry(string id, string related = "", string references = "SOC2:CC1.1", string body = "An answer.") =>
        $"---\nid: {id}\ntitle: A title\nquestions:\n  - q1\n  - q2\n  - q3\n  - q4\nreferences:\n  - {references}\nsources:\n  - title: A source\n    url: https://example.com/\n" +
        $"owner: compliance-team\nlast_reviewed: 2026-11-28\n{(related.Length > 0 ? $"related:\n  - {related}\n" : "")}---\n{body}\n";

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
