using AnalogNN.Netlists.Waveforms;
using OxyPlot;

namespace AnalogNN.Cli.Plotting;

/// <summary>Writes a finished OxyPlot model as svg, png or pdf (by the path's extension), atomically.</summary>
public static class PlotExport
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> at <paramref name="width"/>×<paramref name="height"/> px.</summary>
    public static void Save(PlotModel model, string path, int width, int height)
    {
        var format = WaveformPlotter.FormatFromPath(path);
        AtomicFile.Write(path, stream =>
        {
            switch (format)
            {
                case PlotFormat.Png: new OxyPlot.SkiaSharp.PngExporter { Width = width, Height = height }.Export(model, stream); break;
#pragma warning disable CS0618
                case PlotFormat.Pdf: new PdfExporter { Width = width, Height = height }.Export(model, stream); break;
#pragma warning restore CS0618
                default: new SvgExporter { Width = width, Height = height }.Export(model, stream); break;
            }
        });
    }
}
