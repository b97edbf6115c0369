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
