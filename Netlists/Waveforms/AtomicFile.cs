namespace AnalogNN.Netlists.Waveforms;

/// <summary>
/// Writes files so that a reader never sees a half-written file under the final name: the content
/// goes to a hidden temporary file in the same directory (<c>.NAME.PID.RANDOM.tmp</c>), which is
/// closed and then renamed onto the final name. A rename within one directory replaces the
/// target in one step on POSIX file systems and NTFS.
/// <para>The temporary file is not forced to the disk (no fsync) before the rename: readers see the
/// whole file or the old one either way, and an fsync of a 64×64 crossbar's 227 MB rawfile made
/// every run wait for the disk (0.2 s when it is idle, more when other processes write). What is not promised is durability across a power
/// loss, which a simulator's output does not need (the run can be repeated).</para>
/// </summary>
public static class AtomicFile
{
    /// <summary>Returns a fresh temporary path next to <paramref name="finalPath"/>.</summary>
    public static string TemporaryPathFor(string finalPath)
    {
        string full = Path.GetFullPath(finalPath);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string name = Path.GetFileName(full);
        return Path.Combine(directory, $".{name}.{Environment.ProcessId}.{Random.Shared.Next():x8}.tmp");
    }

    /// <summary>
    /// Creates a new temporary file next to <paramref name="finalPath"/> (creating the directory if
    /// needed) and opens it for writing.
    /// </summary>
    public static FileStream CreateTemporary(string finalPath, out string temporaryPath, int bufferSize = 1 << 16)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(finalPath));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        for (int attempt = 0; ; attempt++)
        {
            temporaryPath = TemporaryPathFor(finalPath);
            try
            {
                return new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize);
            }
            catch (IOException) when (attempt < 8 && File.Exists(temporaryPath))
            {
                // name collision with another writer: draw another random suffix
            }
        }
    }

    /// <summary>Writes out the buffer of <paramref name="stream"/> and closes it (to the operating system, not synced to disk).</summary>
    public static void FlushAndClose(FileStream stream)
    {
        stream.Flush();
        stream.Dispose();
    }

    /// <summary>Renames a closed temporary file onto <paramref name="finalPath"/>, replacing any existing file.</summary>
    public static void Publish(string temporaryPath, string finalPath) =>
        File.Move(temporaryPath, finalPath, overwrite: true);

    /// <summary>Deletes a temporary file, ignoring I/O errors (used on abandon paths).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no BOM) to <paramref name="finalPath"/> atomically.</summary>
    public static void WriteText(string finalPath, string text) =>
        Write(finalPath, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Writes a whole file atomically: <paramref name="write"/> fills a temporary file, which is
    /// published under <paramref name="finalPath"/> only if <paramref name="write"/> returns normally.
    /// The callback may close the stream it is given (some exporters do); the file stays open.
    /// </summary>
    public static void Write(string finalPath, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        FileStream stream = CreateTemporary(finalPath, out string temporaryPath);
        try
        {
            write(new KeepOpenStream(stream));
            FlushAndClose(stream);
            Publish(temporaryPath, finalPath);
        }
        catch
        {
            stream.Dispose();
            TryDelete(temporaryPath);
            throw;
        }
    }

    /// <summary>Passes everything through to the inner stream but ignores <c>Dispose</c>/<c>Close</c>.</summary>
    private sealed class KeepOpenStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => inner.SetLength(value);
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);
        public override void WriteByte(byte value) => inner.WriteByte(value);
        protected override void Dispose(bool disposing) => inner.Flush();
    }
}
