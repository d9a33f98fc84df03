using AnalogNN.Circuit;

namespace AnalogNN.Components.Memristors;

/// <summary>The memristor model families; the numeric value is the LEVEL code stored in the model table.</summary>
public enum MemristorLevel
{
    /// <summary>Linear ion drift, Joglekar window (<c>LEVEL=JOGLEKAR</c> or <c>LEVEL=1</c>).</summary>
    Joglekar = 1,
    /// <summary>TEAM/VTEAM threshold model with Xyce's parameter names (<c>LEVEL=2</c>).</summary>
    Team = 2,
    /// <summary>Yakopcic generalised model with Xyce's parameter names (<c>LEVEL=3</c>).</summary>
    Yakopcic = 3,
    /// <summary>Linear ion drift, Biolek window (<c>LEVEL=BIOLEK</c>).</summary>
    Biolek = 5,
    /// <summary>Linear ion drift, Prodromakis window (<c>LEVEL=PRODROMAKIS</c>).</summary>
    Prodromakis = 6,
    /// <summary>Exponential-nonlinearity pulse model of Ernoult (2020) Part II (<c>LEVEL=PULSE</c>).</summary>
    Pulse = 7,
    /// <summary>Bipolar threshold RRAM for spike-overlap STDP (<c>LEVEL=RRAM</c>).</summary>
    Rram = 8,
}

/// <summary>
/// <c>.model name MEMRISTOR(LEVEL=... ...)</c>: one parameter table for every level (each level
/// reads its own subset; see docs/memristors.md), plus the variability parameters DVAR (relative
/// standard deviation of the per-device, per-direction rate prefactor, log-normal), CVAR (standard
/// deviation of the additive Gaussian noise on x per programming event, in units of the full range)
/// and SEED.
/// </summary>
public sealed class MemristorModel : Model
{
    /// <summary>The parameter table (lower-case SPICE names, SI units).</summary>
    public static readonly IReadOnlyList<ParameterSpec> Parameters =
    [
        new("level", 1, "", "model family code (JOGLEKAR=1, TEAM=2, YAKOPCIC=3, BIOLEK=5, PRODROMAKIS=6, PULSE=7, RRAM=8)", 1),
        // linear drift (and TEAM resistances)
        new("ron", 100, "Ω", "ON resistance (x = 1 for linear drift, x = 0 for TEAM)", 0, true),
        new("roff", 16e3, "Ω", "OFF resistance", 0, true),
        new("k", 1e4, "1/C", "drift coefficient μv·RON/D²", 0),
        new("p", 1, "", "window exponent (integer for Joglekar/Biolek)", 0, true),
        new("j", 1, "", "Prodromakis window scale", 0, true),
        // TEAM
        new("kon", -8e-13, "m/s", "TEAM ON-switching rate (negative)"),
        new("koff", 8e-13, "m/s", "TEAM OFF-switching rate", 0),
        new("alphaon", 3, "", "TEAM ON exponent", 0, true),
        new("alphaoff", 3, "", "TEAM OFF exponent", 0, true),
        new("ion", 8.9e-6, "A", "TEAM ON current threshold (magnitude)", 0, true),
        new("ioff", 1.15e-4, "A", "TEAM OFF current threshold", 0, true),
        new("von", 0.3, "V", "VTEAM ON voltage threshold (magnitude); giving VON or VOFF selects VTEAM", 0, true),
        new("voff", 0.3, "V", "VTEAM OFF voltage threshold", 0, true),
        new("xon", 0, "m", "TEAM ON bound of the gap w", 0),
        new("xoff", 3e-9, "m", "TEAM OFF bound of the gap w", 0, true),
        new("ivrelation", 0, "", "TEAM I–V relation: 0 linear R(x), 1 exponential R(x)", 0),
        new("wt", 4, "", "TEAM window: 0 none, 1 Joglekar, 2 Biolek, 3 Prodromakis, 4 Kvatinsky", 0),
        new("aon", 0, "m", "Kvatinsky window ON fitting point (default XON)", 0),
        new("aoff", 3e-9, "m", "Kvatinsky window OFF fitting point (default XOFF)", 0),
        new("wc", 1e-10, "m", "Kvatinsky window width", 0, true),
        // Yakopcic
        new("eta", 1, "", "Yakopcic state-motion direction/scale"),
        new("vp", 0.65, "V", "Yakopcic positive threshold", 0),
        new("vn", 0.56, "V", "Yakopcic negative threshold (magnitude)", 0),
        new("ap", 4000, "1/s", "Yakopcic positive rate", 0),
        new("an", 4000, "1/s", "Yakopcic negative rate", 0),
        new("a1", 0.17, "A", "Yakopcic positive current scale", 0, true),
        new("a2", 0.17, "A", "Yakopcic negative current scale", 0, true),
        new("b", 0.05, "1/V", "Yakopcic sinh slope", 0, true),
        new("alphap", 1, "", "Yakopcic positive window decay", 0),
        new("alphan", 5, "", "Yakopcic negative window decay", 0),
        new("xp", 0.3, "", "Yakopcic positive window start", 0),
        new("xn", 0.5, "", "Yakopcic negative window start", 0),
        // thesis pulse model
        new("gmin", 1e-4 / 13, "S", "PULSE minimum conductance", 0, true),
        new("gmax", 1e-4, "S", "PULSE maximum conductance", 0, true),
        new("beta", 3, "", "PULSE non-linearity for both directions", 0),
        new("betap", 3, "", "PULSE potentiation non-linearity (default BETA)", 0),
        new("betad", 3, "", "PULSE depression non-linearity (default BETA)", 0),
        new("tmax", 1e-3, "s", "PULSE width that takes GMIN to GMAX (Δt_max)", 0, true),
        new("cp", 0, "S/s", "PULSE potentiation prefactor (default from TMAX)", 0, true),
        new("cd", 0, "S/s", "PULSE depression prefactor (default from TMAX)", 0, true),
        new("vset", 1, "V", "PULSE/RRAM set threshold", 0),
        new("vreset", 1, "V", "PULSE/RRAM reset threshold (magnitude)", 0),
        // threshold RRAM
        new("gon", 1e-4, "S", "RRAM ON conductance", 0, true),
        new("goff", 1e-6, "S", "RRAM OFF conductance", 0, true),
        new("v0", 0.1, "V", "RRAM overdrive voltage scale", 0, true),
        new("tauset", 1e-6, "s", "RRAM set time constant at sinh = 1", 0, true),
        new("taureset", 1e-6, "s", "RRAM reset time constant at sinh = 1", 0, true),
        // variability
        new("dvar", 0, "", "device-to-device relative std of the rate prefactor (log-normal, per direction)", 0),
        new("cvar", 0, "", "cycle-to-cycle std of x per programming event (fraction of the range)", 0),
        new("seed", 1, "", "seed of the device-to-device and cycle-to-cycle draws", 0),
    ];

    /// <summary>Creates a model with every parameter at its default (<paramref name="level"/> given).</summary>
    public MemristorModel(string name, MemristorLevel level = MemristorLevel.Joglekar) : base(name, "MEMRISTOR", Parameters)
    {
        if (level != MemristorLevel.Joglekar) Set("level", (int)level);
    }

    /// <summary>The model family.</summary>
    public MemristorLevel Level => (MemristorLevel)(int)this["level"];

    /// <summary>Parses a LEVEL value: a family name or its code.</summary>
    public static MemristorLevel? ParseLevel(string text) => text.ToUpperInvariant() switch
    {
        "JOGLEKAR" or "LINEAR" or "1" => MemristorLevel.Joglekar,
        "TEAM" or "VTEAM" or "2" => MemristorLevel.Team,
        "YAKOPCIC" or "3" => MemristorLevel.Yakopcic,
        "BIOLEK" or "5" => MemristorLevel.Biolek,
        "PRODROMAKIS" or "6" => MemristorLevel.Prodromakis,
        "PULSE" or "7" => MemristorLevel.Pulse,
        "RRAM" or "8" => MemristorLevel.Rram,
        _ => null,
    };

    /// <summary>LEVEL as written on a card: the family name for the linear-drift, pulse and RRAM families, Xyce's number for TEAM and Yakopcic.</summary>
    public static string LevelName(MemristorLevel level) => level switch
    {
        MemristorLevel.Team => "2",
        MemristorLevel.Yakopcic => "3",
        _ => level.ToString().ToUpperInvariant(),
    };

    /// <summary>Device-to-device relative spread of the rate prefactor (DVAR).</summary>
    public double DeviceVariability => this["dvar"];

    /// <summary>Cycle-to-cycle standard deviation of x per programming event (CVAR).</summary>
    public double CycleVariability => this["cvar"];

    /// <summary>Seed of the random draws (SEED).</summary>
    public ulong Seed => (ulong)this["seed"];

    private double Or(string name, string fallback) => IsGiven(name) ? this[name] : this[fallback];

    /// <summary>Builds the immutable equations of this model, checking the level's parameters.</summary>
    /// <exception cref="CircuitException">Inconsistent parameters (e.g. GMAX ≤ GMIN, an unknown LEVEL).</exception>
    public MemristorKernel CreateKernel()
    {
        switch (Level)
        {
            case MemristorLevel.Joglekar:
            case MemristorLevel.Biolek:
            case MemristorLevel.Prodromakis:
                return new LinearDriftKernel(Level, this["ron"], this["roff"], this["k"], this["p"], this["j"]);
            case MemristorLevel.Team:
            {
                double ron = IsGiven("ron") ? this["ron"] : 50, roff = IsGiven("roff") ? this["roff"] : 1e3;
                double xon = this["xon"], xoff = this["xoff"];
                if (!(xoff > xon)) throw new CircuitException(Name, "XOFF must be greater than XON");
                bool vteam = IsGiven("von") || IsGiven("voff");
                return new TeamKernel(ron, roff, this["kon"], this["koff"], this["alphaon"], this["alphaoff"],
                    vteam ? this["von"] : this["ion"], vteam ? this["voff"] : this["ioff"], xon, xoff, this["ivrelation"] >= 0.5,
                    (int)this["wt"], this["p"], this["j"],
                    IsGiven("aon") ? this["aon"] : xon, IsGiven("aoff") ? this["aoff"] : xoff, this["wc"], vteam);
            }
            case MemristorLevel.Yakopcic:
                if (!(this["xp"] < 1) || !(this["xn"] < 1)) throw new CircuitException(Name, "XP and XN must be below 1");
                return new YakopcicKernel(this["a1"], this["a2"], this["b"], this["vp"], this["vn"], this["ap"], this["an"],
                    this["xp"], this["xn"], this["alphap"], this["alphan"], this["eta"]);
            case MemristorLevel.Pulse:
            {
                double gmin = this["gmin"], gmax = this["gmax"];
                if (!(gmax > gmin)) throw new CircuitException(Name, "GMAX must be greater than GMIN");
                double bp = Or("betap", "beta"), bd = Or("betad", "beta"), tmax = this["tmax"];
                double cp = IsGiven("cp") ? this["cp"] : ExponentialPulseKernel.PrefactorFromFullSwingTime(gmax - gmin, bp, tmax);
                double cd = IsGiven("cd") ? this["cd"] : ExponentialPulseKernel.PrefactorFromFullSwingTime(gmax - gmin, bd, tmax);
                return new ExponentialPulseKernel(gmin, gmax, bp, bd, cp, cd, this["vset"], this["vreset"]);
            }
            case MemristorLevel.Rram:
                return new ThresholdRramKernel(this["gon"], this["goff"], this["vset"], this["vreset"], this["v0"],
                    this["tauset"], this["taureset"]);
            default:
                throw new CircuitException(Name, $"unknown memristor LEVEL {(int)Level}");
        }
    }
}
