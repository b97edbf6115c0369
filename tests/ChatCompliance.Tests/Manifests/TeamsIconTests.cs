using System.Text.Json.Nodes;

namespace ChatCompliance.Tests.Manifests;

/// <summary>The two icons Teams requires: a 192×192 full-colour one and a 32×32 white-on-transparent outline.</summary>
public sealed class TeamsIconTests
{
    [Fact]
    public void ColorIcon_Header_Is192By192()
    {
        var icon = Read("color.png");

        Assert.Equal((192, 192), (icon.Width, icon.Height));
        Assert.True(icon.ColorType is 2 or 6, $"colour type {icon.ColorType} is not full colour");
    }

    [Fact]
    public void ColorIcon_Background_IsTheManifestAccentColour()
    {
        var icon = Read("color.png");
        var accent = Convert.FromHexString(JsonNode.Parse(ManifestFiles.FilledManifest())!["accentColor"]!.GetValue<string>().TrimStart('#'));

        var accentPixels = Enumerable.Range(0, icon.Width * icon.Height)
            .Select(i => icon[i % icon.Width, i / icon.Width])
            .Count(p => (p.R, p.G, p.B) == (accent[0], accent[1], accent[2]));

        // The background is the manifest's accentColor; the shield covers less than half of it.
        Assert.InRange(accentPixels, icon.Width * icon.Height / 2, icon.Width * icon.Height);
        Assert.Equal((accent[0], accent[1], accent[2], (byte)255), icon[0, 0]);
    }

    [Fact]
    public void OutlineIcon_Header_Is32By32WithAlpha()
    {
        var icon = Read("outline.png");

        Assert.Equal((32, 32), (icon.Width, icon.Height));
        Assert.True(icon.HasAlpha, $"colour type {icon.ColorType} has no alpha channel");
    }

    [Fact]
    public void OutlineIcon_Pixels_AreWhiteOrTransparent()
    {
        var icon = Read("outline.png");
        var drawn = 0;

        for (var y = 0; y < icon.Height; y++)
        {
            for (var x = 0; x < icon.Width; x++)
            {
                var (r, g, b, a) = icon[x, y];
                Assert.True(a == 0 || (r, g, b) == (255, 255, 255), $"pixel ({x},{y}) is ({r},{g},{b},{a}): neither transparent nor white");
                drawn += a > 0 ? 1 : 0;
            }
        }

        Assert.InRange(drawn, 32, (32 * 32) - 32);
        Assert.Equal(0, icon[0, 0].A);
    }

    private static PngImage Read(string name) => PngImage.Read(File.ReadAllBytes(Path.Combine(ManifestFiles.Template, name)));
}
