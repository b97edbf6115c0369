using System.Buffers.Binary;
using System.IO.Compression;

namespace ChatCompliance.Tests.Manifests;

/// <summary>A minimal PNG reader for the icon tests: 8-bit greyscale, RGB or RGBA, not interlaced.</summary>
public sealed class PngImage
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private PngImage(int width, int height, byte colorType, int channels, byte[] pixels)
    {
        Width = width;
        Height = height;
        ColorType = colorType;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>IHDR colour type: 0 greyscale, 2 RGB, 4 greyscale + alpha, 6 RGBA.</summary>
    public byte ColorType { get; }

    public bool HasAlpha => ColorType is 4 or 6;

    public int Channels { get; }

    /// <summary>Unfiltered samples, row after row, <see cref="Channels"/> bytes a pixel.</summary>
    public byte[] Pixels { get; }

    /// <summary>A pixel as RGBA (opaque when the image has no alpha).</summary>
    public (byte R, byte G, byte B, byte A) this[int x, int y]
    {
        get
        {
            var i = ((y * Width) + x) * Channels;
            return ColorType switch
            {
                0 => (Pixels[i], Pixels[i], Pixels[i], 255),
                4 => (Pixels[i], Pixels[i], Pixels[i], Pixels[i + 1]),
                2 => (Pixels[i], Pixels[i + 1], Pixels[i + 2], 255),
                _ => (Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]),
            };
        }
    }

    public static PngImage Read(byte[] png)
    {
        if (!png.AsSpan(0, 8).SequenceEqual(Signature))
        {
            throw new InvalidDataException("not a PNG");
        }

        int width = 0, height = 0;
        byte colorType = 0;
        using var idat = new MemoryStream();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                colorType = data[9];
                if (data[8] != 8 || data[12] != 0 || colorType is 3)
                {
                    throw new NotSupportedException($"bit depth {data[8]}, colour type {colorType}, interlace {data[12]}: this reader handles 8-bit, non-palette, non-interlaced only");
                }
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        var channels = colorType switch { 0 => 1, 2 => 3, 4 => 2, _ => 4 };
        using var inflated = new MemoryStream();
        idat.Position = 0;
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        return new PngImage(width, height, colorType, channels, Unfilter(inflated.ToArray(), width, height, channels));
    }

    private static byte[] Unfilter(byte[] data, int width, int height, int channels)
    {
        var stride = width * channels;
        var pixels = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            var filter = data[y * (stride + 1)];
            for (var x = 0; x < stride; x++)
            {
                var raw = data[(y * (stride + 1)) + 1 + x];
                int a = x >= channels ? pixels[(y * stride) + x - channels] : 0;
                int b = y > 0 ? pixels[((y - 1) * stride) + x] : 0;
                int c = x >= channels && y > 0 ? pixels[((y - 1) * stride) + x - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"row {y}: unknown filter {filter}"),
                };
                pixels[(y * stride) + x] = (byte)(raw + predictor);
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
