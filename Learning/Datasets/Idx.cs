using System.IO.Compression;
using System.Security.Cryptography;

namespace AnalogNN.Learning.Datasets;

/// <summary>A data file that cannot be read; the message starts with the file name (<c>FILE: error: ...</c>).</summary>
public sealed class DataFileException(string path, string message) : Exception($"{path}: error: {message}")
{
    /// <summary>The offending file.</summary>
    public string Path { get; } = path;
}

/// <summary>An IDX array of unsigned bytes: its dimensions and its data, row-major.</summary>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    /// <summary>Number of items (first dimension).</summary>
    public int Count => Dimensions[0];
    /// <summary>Bytes per item (product of the other dimensions).</summary>
    public int ItemSize => Dimensions.Skip(1).Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// Reader of the IDX format of the MNIST files (LeCun et al.): a big-endian header of two zero bytes,
/// a type code (0x08 = unsigned byte, the only type MNIST uses and the only one read here), the
/// number of dimensions, then each dimension as a 32-bit big-endian integer, then the data.
/// gzip-compressed files (first bytes 1F 8B) are inflated on the fly.
/// </summary>
public static class Idx
{
    /// <summary>Reads an IDX file of unsigned bytes, gzipped or not.</summary>
    /// <exception cref="DataFileException">Missing file, bad magic, unsupported type, truncated or over-long data.</exception>
    public static IdxArray Read(string path)
    {
        if (!File.Exists(path)) throw new DataFileException(path, "file not found");
        byte[] raw;
        try
        {
            raw = File.ReadAllBytes(path);
            if (raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B)
            {
                using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var all = new MemoryStream();
                gz.CopyTo(all);
                raw = all.ToArray();
            }
        }
        catch (InvalidDataException e) { throw new DataFileException(path, $"not a valid gzip file ({e.Message})"); }
        catch (IOException e) { throw new DataFileException(path, e.Message); }
        return Parse(path, raw);
    }

    /// <summary>Parses IDX bytes (already inflated); <paramref name="path"/> names them in errors.</summary>
    public static IdxArray Parse(string path, byte[] raw)
    {
        if (raw.Length < 4) throw new DataFileException(path, $"{raw.Length} bytes: too short for an IDX header");
        if (raw[0] != 0 || raw[1] != 0) throw new DataFileException(path, $"bad IDX magic {raw[0]:X2}{raw[1]:X2}{raw[2]:X2}{raw[3]:X2} (expected 0000 then type and rank)");
        if (raw[2] != 0x08) throw new DataFileException(path, $"IDX type 0x{raw[2]:X2} is not supported (only 0x08, unsigned byte)");
        int rank = raw[3];
        if (rank < 1 || rank > 4) throw new DataFileException(path, $"IDX rank {rank}: expected 1 to 4 dimensions");
        int header = 4 + 4 * rank;
        if (raw.Length < header) throw new DataFileException(path, $"truncated header ({raw.Length} bytes, rank {rank} needs {header})");
        var dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++)
        {
            int o = 4 + 4 * d;
            uint v = (uint)(raw[o] << 24 | raw[o + 1] << 16 | raw[o + 2] << 8 | raw[o + 3]);
            if (v > int.MaxValue) throw new DataFileException(path, $"dimension {d} = {v} is too large");
            dims[d] = (int)v;
            count *= v;
        }
        long have = raw.LongLength - header;
        if (have != count)
            throw new DataFileException(path, $"dimensions {string.Join(" x ", dims)} need {count} data bytes, the file has {have}{(have < count ? " (truncated)" : "")}");
        return new IdxArray(dims, raw[header..]);
    }

    /// <summary>Writes an IDX file of unsigned bytes (for tests and slices).</summary>
    public static void Write(string path, int[] dimensions, ReadOnlySpan<byte> data, bool gzip)
    {
        using var file = File.Create(path);
        using Stream s = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        s.Write([0, 0, 0x08, (byte)dimensions.Length]);
        foreach (int d in dimensions) s.Write([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        s.Write(data);
    }
}

/// <summary>MNIST images (pixels scaled to [0, 1]) and labels.</summary>
public sealed record MnistSet(int Count, int Rows, int Columns, byte[] Pixels, byte[] Labels)
{
    /// <summary>Pixels per image.</summary>
    public int ImageSize => Rows * Columns;

    /// <summary>Writes image <paramref name="index"/> as intensities in [0, 1] into <paramref name="x"/>.</summary>
    public void Image(int index, Span<double> x)
    {
        int n = ImageSize, o = index * n;
        for (int k = 0; k < n; k++) x[k] = Pixels[o + k] / 255.0;
    }
}

/// <summary>
/// Finds and reads the four MNIST IDX files (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>,
/// <c>t10k-...</c>, each with or without <c>.gz</c>) from a folder: the one given, else the
/// <c>ANALOGNN_DATA</c> environment variable (the folder itself or its <c>mnist</c> subfolder), else
/// <c>../shared/data/mnist</c> next to the repository root. When the folder has a <c>SHA256SUMS</c>
/// file listing a file, that file's checksum is verified.
/// </summary>
public static class Mnist
{
    /// <summary>The folder that will be read, from <paramref name="folder"/>, ANALOGNN_DATA or the default.</summary>
    /// <exception cref="DataFileException">No folder holds the files.</exception>
    public static string ResolveFolder(string? folder)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrEmpty(folder)) candidates.Add(folder);
        else
        {
            var env = Environment.GetEnvironmentVariable("ANALOGNN_DATA");
            if (!string.IsNullOrEmpty(env)) { candidates.Add(env); candidates.Add(Path.Combine(env, "mnist")); }
            for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "AnalogNN.sln")))
                {
                    candidates.Add(Path.Combine(d.FullName, "..", "shared", "data", "mnist"));
                    break;
                }
        }
        foreach (var c in candidates)
            if (Find(c, "train-labels-idx1-ubyte") is not null) return c;
        throw new DataFileException(candidates.Count > 0 ? candidates[0] : "ANALOGNN_DATA",
            "no MNIST files (train-images-idx3-ubyte[.gz] ...) here; give the folder or set ANALOGNN_DATA");
    }

    private static string? Find(string folder, string stem)
    {
        foreach (var name in new[] { stem + ".gz", stem })
        {
            var p = Path.Combine(folder, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>Reads the training (<paramref name="train"/>) or test set from <paramref name="folder"/> (see <see cref="ResolveFolder"/>).</summary>
    /// <exception cref="DataFileException">Missing or malformed files, a checksum mismatch, or images and labels that do not match.</exception>
    public static MnistSet Load(string? folder, bool train)
    {
        string dir = ResolveFolder(folder);
        string prefix = train ? "train" : "t10k";
        string imagesPath = Find(dir, $"{prefix}-images-idx3-ubyte") ?? throw new DataFileException(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), "file not found");
        string labelsPath = Find(dir, $"{prefix}-labels-idx1-ubyte") ?? throw new DataFileException(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"), "file not found");
        VerifyChecksum(dir, imagesPath);
        VerifyChecksum(dir, labelsPath);
        var images = Idx.Read(imagesPath);
        var labels = Idx.Read(labelsPath);
        if (images.Dimensions.Length != 3) throw new DataFileException(imagesPath, $"images need 3 dimensions (count, rows, columns), found {images.Dimensions.Length}");
        if (labels.Dimensions.Length != 1) throw new DataFileException(labelsPath, $"labels need 1 dimension, found {labels.Dimensions.Length}");
        if (labels.Count != images.Count) throw new DataFileException(labelsPath, $"{labels.Count} labels for {images.Count} images in {Path.GetFileName(imagesPath)}");
        for (int k = 0; k < labels.Data.Length; k++)
            if (labels.Data[k] > 9) throw new DataFileException(labelsPath, $"label {labels.Data[k]} of item {k} is not a digit");
        return new MnistSet(images.Count, images.Dimensions[1], images.Dimensions[2], images.Data, labels.Data);
    }

    private static void VerifyChecksum(string dir, string file)
    {
        var sums = Path.Combine(dir, "SHA256SUMS");
        if (!File.Exists(sums)) return;
        string name = Path.GetFileName(file);
        foreach (var line in File.ReadLines(sums))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || parts[1].TrimStart('*') != name) continue;
            using var s = File.OpenRead(file);
            string actual = Convert.ToHexStringLower(SHA256.HashData(s));
            if (!actual.Equals(parts[0], StringComparison.OrdinalIgnoreCase))
                throw new DataFileException(file, $"SHA-256 {actual} does not match {parts[0]} in {sums}");
            return;
        }
    }
}
