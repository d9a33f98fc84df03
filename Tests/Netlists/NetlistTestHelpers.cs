using AnalogNN.Netlists.Parsing;

namespace AnalogNN.Tests.Netlists;

/// <summary>Small helpers shared by the netlist front-end tests.</summary>
internal static class NetlistTestHelpers
{
    /// <summary>Parses and elaborates a netlist given as text.</summary>
    public static FlatNetlist Flatten(string text, IReadOnlyDictionary<string, double>? overrides = null, string file = "test.cir") =>
        NetlistParser.Parse(text, file).Elaborate(overrides);

    /// <summary>Parses and elaborates, expecting a NetlistException; returns its error diagnostics.</summary>
    public static List<NetlistDiagnostic> Errors(string text, string file = "test.cir")
    {
        try
        {
            NetlistParser.Parse(text, file).Elaborate();
        }
        catch (NetlistException ex)
        {
            return ex.Errors.ToList();
        }
        Assert.Fail("expected a NetlistException");
        return [];
    }

    /// <summary>The value of a .param evaluated in a one-line deck.</summary>
    public static double Eval(string expression)
    {
        var flat = Flatten($"title\n.param x_result = {{{expression}}}\n");
        return flat.Parameters["x_result"];
    }

    /// <summary>The number field at <paramref name="index"/> of an element.</summary>
    public static double Number(ElementCard card, int index) => ((NumberField)card.Fields[index]).Value;

    /// <summary>A fresh temporary folder, deleted by the caller.</summary>
    public static string TempFolder()
    {
        string dir = Path.Combine(Path.GetTempPath(), "analognn-netlist-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
