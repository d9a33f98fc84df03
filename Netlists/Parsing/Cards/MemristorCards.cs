using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;

namespace AnalogNN.Netlists.Parsing;

public static partial class CircuitBuilder
{
    private sealed partial class CardReader
    {
        /// <summary><c>YMEMRISTOR name n+ n- model [X0=x0]</c> (XO is Xyce's spelling of X0).</summary>
        private Element MemristorCard()
        {
            var model = MemristorModelOf();
            double x0 = KeyNumber("x0", "xo") ?? 0.5;
            if (x0 < 0 || x0 > 1) throw new LocatedException(Key("x0", "xo")?.Location ?? card.Location, $"X0 of '{Name}' must be in [0, 1] (got {x0:G6})");
            RejectRest();
            return new Memristor(Name, card.Nodes[0], card.Nodes[1], model, x0);
        }

        /// <summary>
        /// <c>YCROSSBAR name rowbus colbus model ROWS=N COLS=M [RROW=] [RCOL=] [X0= | X0MEAN= X0STD= X0SEED= | X0FILE=] [XOUT=]</c>;
        /// relative file names are taken from the netlist's folder.
        /// </summary>
        private Element CrossbarCard()
        {
            var model = MemristorModelOf();
            int rows = Count("rows"), cols = Count("cols");
            double rrow = KeyNumber("rrow") ?? 0, rcol = KeyNumber("rcol") ?? 0;
            double? x0 = KeyNumber("x0", "xo"), mean = KeyNumber("x0mean"), std = KeyNumber("x0std"), seed = KeyNumber("x0seed");
            string? file = Text("x0file"), outFile = Text("xout");
            int kinds = (x0 is null ? 0 : 1) + (mean is null && std is null ? 0 : 1) + (file is null ? 0 : 1);
            if (kinds > 1) throw new LocatedException(card.Location, $"'{Name}' takes one of X0=, X0MEAN=/X0STD= or X0FILE=");
            if (seed is not null && std is null) throw new LocatedException(card.Location, $"X0SEED of '{Name}' needs X0STD");
            CrossbarInitialStates initial = file is not null ? new CrossbarInitialStates.FromFile(file)
                : std is not null || mean is not null ? new CrossbarInitialStates.Spread(mean ?? 0.5, std ?? 0, (ulong)(seed ?? 1))
                : new CrossbarInitialStates.Constant(x0 ?? 0.5);
            RejectRest();
            return new Crossbar(Name, card.Nodes[0], card.Nodes[1], model, rows, cols, rrow, rcol, initial, outFile);
        }

        private int Count(string key)
        {
            double v = KeyNumber(key) ?? throw new LocatedException(card.Location, $"missing {key.ToUpperInvariant()}= on '{Name}'");
            if (v < 1 || v != Math.Floor(v) || v > 1 << 14) throw new LocatedException(Key(key)?.Location ?? card.Location, $"{key.ToUpperInvariant()} of '{Name}' must be a whole number from 1 to 16384");
            return (int)v;
        }

        private string? Text(string key)
        {
            var kv = Key(key);
            if (kv is null) return null;
            if (kv.Value is not IdentifierField id) throw new LocatedException(kv.Location, $"{key.ToUpperInvariant()} of '{Name}' must be a file name");
            string path = id.Text;
            string? folder = card.Location.File is { } f ? Path.GetDirectoryName(f) : null;
            return Path.IsPathRooted(path) || string.IsNullOrEmpty(folder) ? path : Path.Combine(folder, path);
        }

        /// <summary>Builds the device's <see cref="MemristorModel"/> from its <c>.model</c> card (LEVEL by name or number).</summary>
        private MemristorModel MemristorModelOf()
        {
            var modelField = card.Fields.First(f => f is IdentifierField);
            _used.Add(modelField);
            var mc = card.Model!;
            var model = new MemristorModel(mc.Name);
            foreach (var p in mc.Parameters)
            {
                if (p is not KeyValueField kv) throw new LocatedException(p.Location, $"unexpected '{p}' in MEMRISTOR model '{mc.Name}'");
                if (kv.Is("level"))
                {
                    string text = kv.Value switch { IdentifierField id => id.Text, NumberField n => n.ToString(), _ => "?" };
                    var level = MemristorModel.ParseLevel(text)
                        ?? throw new LocatedException(kv.Value.Location, $"unknown memristor LEVEL '{text}' (JOGLEKAR, BIOLEK, PRODROMAKIS, 2 = TEAM, 3 = YAKOPCIC, PULSE, RRAM)");
                    model.Set("level", (int)level);
                    continue;
                }
                if (!model.Has(kv.Key)) throw new LocatedException(kv.Location, $"unknown MEMRISTOR model parameter '{kv.Key}' in '{mc.Name}'");
                try { model.Set(kv.Key, NumberOf(kv.Value, kv.Key.ToUpperInvariant())); }
                catch (CircuitException ex) { throw new LocatedException(kv.Location, ex.Message); }
            }
            return model;
        }
    }
}
