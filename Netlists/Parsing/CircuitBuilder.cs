using AnalogNN.Circuit;
using AnalogNN.Components;
using AnalogNN.Components.Controlled;
using AnalogNN.Components.Passives;
using AnalogNN.Components.Sources;

namespace AnalogNN.Netlists.Parsing;

/// <summary>
/// Element-specific interpretation of a <see cref="FlatNetlist"/>: maps each <see cref="ElementCard"/>
/// to the element classes of <c>Components/</c> and fills a <see cref="Circuit.Circuit"/> (title, elements,
/// <c>.ic</c>, <c>.nodeset</c>). Missing or extra values, unknown parameters, wrong model types,
/// unsupported element kinds and the components' own parameter checks (<see cref="CircuitException"/>)
/// are all reported as located diagnostics; every error of the netlist is collected before one
/// <see cref="NetlistException"/> is thrown.
/// </summary>
public static partial class CircuitBuilder
{
    /// <summary>Builds the circuit.</summary>
    /// <param name="netlist">An elaborated netlist.</param>
    /// <param name="warnings">Receives the builder's warnings (ignored parameters), if given.</param>
    /// <exception cref="NetlistException">Every error found, with the netlist's warnings.</exception>
    public static Circuit.Circuit Build(FlatNetlist netlist, ICollection<NetlistDiagnostic>? warnings = null)
    {
        var bag = new DiagnosticBag(netlist.Sources);
        bag.AddRange(netlist.Diagnostics);
        int before = bag.Items.Count;
        var circuit = new Circuit.Circuit { Title = netlist.Title };
        var byName = new Dictionary<string, ElementCard>(netlist.Elements.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var card in netlist.Elements) byName.TryAdd(card.Name, card);
        var models = new Dictionary<ModelCard, Model>(ReferenceEqualityComparer.Instance);
        foreach (var card in netlist.Elements)
        {
            try
            {
                var element = new CardReader(card, bag, byName, models).Create();
                if (element is not null) circuit.Add(element);
            }
            catch (LocatedException ex) { bag.Error(ex.Location, ex.Message); }
            catch (ModelFailedException) { /* reported at the model's parameters */ }
            catch (CircuitException ex) { bag.Error(card.Location, $"{card.Name}: {ex.Detail}"); }
            catch (ArgumentException ex) { bag.Error(card.Location, $"{card.Name}: {ex.Message}"); }
            catch (Exception ex) when (ex is not NetlistException)
            {
                bag.Error(card.Location, $"internal error while building '{card.Name}': {ex.GetType().Name}: {ex.Message}");
            }
        }
        foreach (var v in netlist.InitialConditions) circuit.InitialConditions[v.Node] = v.Value;
        foreach (var v in netlist.NodeSets) circuit.NodeSets[v.Node] = v.Value;
        bag.ThrowIfErrors();
        if (warnings is not null)
            for (int k = before; k < bag.Items.Count; k++) warnings.Add(bag.Items[k]);
        return circuit;
    }

    /// <summary>Reads one card's fields: positional values, key=value pairs, groups.</summary>
    private sealed partial class CardReader(ElementCard card, DiagnosticBag bag, Dictionary<string, ElementCard> elements,
        Dictionary<ModelCard, Model> models)
    {
        private readonly HashSet<CardField> _used = new(ReferenceEqualityComparer.Instance);

        private string Name => card.Name;

        public Element? Create()
        {
            CheckModelType();
            switch (card.Kind)
            {
                case "R": return Resistor();
                case "C": return Capacitor();
                case "L": return Inductor();
                case "V":
                case "I": return Source();
                case "E":
                case "G": return VoltageControlled();
                case "F":
                case "H": return CurrentControlled();
                case "D": return Diode();
                case "M": return Mosfet();
                case "S": return Switch();
                case "B": return Behavioral();
                case "YMEMRISTOR": return MemristorCard();
                case "YCROSSBAR": return CrossbarCard();
                case "Y1T1R": return CellCard();
            }
            if (NeuronElement() is { } neuron) return neuron;
            throw new LocatedException(card.Location, $"{Describe(card.Kind)} '{Name}' is not supported yet");
        }

        private static string Describe(string kind) => kind switch
        {
            "D" => "diode",
            "M" => "MOSFET",
            "Q" => "bipolar transistor",
            "J" => "JFET",
            "S" => "voltage-controlled switch",
            "W" => "current-controlled switch",
            "K" => "inductor coupling",
            "B" => "behavioural source",
            _ => kind.StartsWith('Y') ? $"device {kind}" : $"element type {kind}",
        };

        /// <summary>Model types each kind accepts.</summary>
        private static string[]? ModelTypes(string kind) => kind switch
        {
            "D" => ["D"],
            "M" => ["NMOS", "PMOS"],
            "Q" => ["NPN", "PNP"],
            "J" => ["NJF", "PJF"],
            "S" => ["SW"],
            "W" => ["CSW"],
            "YMEMRISTOR" or "YCROSSBAR" or "Y1T1R" => ["MEMRISTOR"],
            _ => NeuronModelTypes(kind),
        };

        private void CheckModelType()
        {
            var allowed = ModelTypes(card.Kind);
            if (allowed is null) return;
            var modelField = card.Fields.FirstOrDefault(f => f is IdentifierField);
            if (card.Model is null)
                throw new LocatedException(modelField?.Location ?? card.Location, $"missing model name for {Describe(card.Kind)} '{Name}'");
            if (!allowed.Contains(card.Model.Type))
                throw new LocatedException(modelField?.Location ?? card.Location,
                    $"model '{card.Model.Name}' is a {card.Model.Type} model; {Describe(card.Kind)} '{Name}' needs a {string.Join(" or ", allowed)} model");
        }

        // ---- field helpers ----

        private IEnumerable<CardField> Unused => card.Fields.Where(f => !_used.Contains(f));

        private KeyValueField? Key(params string[] keys)
        {
            foreach (var f in card.Fields)
                if (f is KeyValueField kv && keys.Any(kv.Is))
                {
                    _used.Add(kv);
                    return kv;
                }
            return null;
        }

        private double? KeyNumber(params string[] keys)
        {
            var kv = Key(keys);
            return kv is null ? null : NumberOf(kv.Value, kv.Key);
        }

        private double NumberOf(CardField f, string what) => f switch
        {
            NumberField n => n.Value,
            ExpressionField => throw new LocatedException(f.Location,
                $"{what} of '{Name}' depends on node voltages, currents or time; behavioural values need a B source"),
            _ => throw new LocatedException(f.Location, $"{what} of '{Name}' must be a number, found '{f}'"),
        };

        /// <summary>The first unused positional number, or null.</summary>
        private NumberField? Positional()
        {
            foreach (var f in card.Fields)
            {
                if (_used.Contains(f)) continue;
                if (f is NumberField n) { _used.Add(n); return n; }
                if (f is ExpressionField) NumberOf(f, "the value");
                return null;
            }
            return null;
        }

        /// <summary>Reports every field nothing consumed; ignored-but-known keys become warnings.</summary>
        private void RejectRest(params string[] ignoredKeys)
        {
            foreach (var f in Unused)
            {
                if (f is KeyValueField kv)
                {
                    if (ignoredKeys.Any(kv.Is)) { bag.Warning(kv.Location, $"parameter '{kv.Key}' of '{Name}' is ignored"); continue; }
                    throw new LocatedException(kv.Location, $"unknown parameter '{kv.Key}' for {KindName()} '{Name}'");
                }
                throw new LocatedException(f.Location, $"unexpected '{f}' on {KindName()} '{Name}'");
            }
        }

        private string KindName() => card.Kind switch
        {
            "R" => "resistor", "C" => "capacitor", "L" => "inductor", "V" => "voltage source", "I" => "current source",
            "E" => "VCVS", "G" => "VCCS", "F" => "CCCS", "H" => "CCVS", _ => Describe(card.Kind),
        };

        private double Multiplier()
        {
            double m = KeyNumber("m") ?? 1;
            if (!(m > 0)) throw new LocatedException(Key("m")?.Location ?? card.Location, $"multiplier m of '{Name}' must be > 0");
            return m;
        }

        private double Required(NumberField? positional, double? keyed, string what)
        {
            if (keyed is double k) return k;
            if (positional is not null) return positional.Value;
            // A word where the value belongs ("R1 a b abc") is a bad number, reported at the word.
            var stray = Unused.FirstOrDefault(f => f is IdentifierField);
            if (stray is not null) throw new LocatedException(stray.Location, $"{what} of '{Name}' must be a number, found '{stray}'");
            throw new LocatedException(card.Location, $"missing {what} value for '{Name}'");
        }

        // ---- elements ----

        private Element Resistor()
        {
            var value = Positional();
            double r = Required(value, KeyNumber("r", "resistance"), "resistance");
            double m = Multiplier();
            RejectRest("tc1", "tc2", "tce", "temp", "dtemp", "noisy", "scale", "w", "l", "ac");
            return new Resistor(Name, card.Nodes[0], card.Nodes[1], r / m);
        }

        private Element Capacitor()
        {
            var value = Positional();
            double c = Required(value, KeyNumber("c", "capacitance"), "capacitance");
            double? ic = KeyNumber("ic");
            double m = Multiplier();
            RejectRest("tc1", "tc2", "temp", "dtemp", "scale", "w", "l");
            return new Capacitor(Name, card.Nodes[0], card.Nodes[1], c * m, ic);
        }

        private Element Inductor()
        {
            var value = Positional();
            double l = Required(value, KeyNumber("l", "inductance"), "inductance");
            double? ic = KeyNumber("ic");
            double m = Multiplier();
            RejectRest("tc1", "tc2", "temp", "dtemp", "scale", "nt");
            return new Inductor(Name, card.Nodes[0], card.Nodes[1], l / m, ic);
        }

        private Element Source()
        {
            double? dc = null, acMag = null, acPhase = null;
            Waveform? waveform = null;
            var fields = card.Fields;
            for (int k = 0; k < fields.Count; k++)
            {
                var f = fields[k];
                switch (f)
                {
                    case IdentifierField id when id.Is("dc"):
                        if (k + 1 >= fields.Count || fields[k + 1] is not (NumberField or ExpressionField))
                            throw new LocatedException(id.Location, $"missing value after DC on '{Name}'");
                        if (dc is not null) throw new LocatedException(id.Location, $"'{Name}' has two DC values");
                        dc = NumberOf(fields[++k], "the DC value");
                        break;
                    case NumberField or ExpressionField when dc is null && acMag is null && waveform is null:
                        dc = NumberOf(f, "the DC value");
                        break;
                    case IdentifierField id when id.Is("ac"):
                        acMag = 1;
                        acPhase = 0;
                        if (k + 1 < fields.Count && fields[k + 1] is NumberField mag) { acMag = mag.Value; k++; }
                        if (k + 1 < fields.Count && fields[k + 1] is NumberField ph) { acPhase = ph.Value; k++; }
                        break;
                    case GroupField g when g.Name is not null:
                        if (waveform is not null) throw new LocatedException(g.Location, $"'{Name}' has two waveforms");
                        waveform = Waveform(g.Name, g.Items, g.Location, fields, ref k);
                        break;
                    case IdentifierField id when IsWaveformName(id.Text):
                    {
                        // PULSE 0 1 1n ... without parentheses: the numbers that follow.
                        if (waveform is not null) throw new LocatedException(id.Location, $"'{Name}' has two waveforms");
                        var items = new List<CardField>();
                        while (k + 1 < fields.Count && fields[k + 1] is NumberField or ExpressionField) items.Add(fields[++k]);
                        waveform = Waveform(id.Text, items, id.Location, fields, ref k);
                        break;
                    }
                    case KeyValueField kv:
                        throw new LocatedException(kv.Location, $"unknown parameter '{kv.Key}' for {KindName()} '{Name}'");
                    default:
                        throw new LocatedException(f.Location, $"unexpected '{f}' on {KindName()} '{Name}'");
                }
            }
            return card.Kind == "V"
                ? new VoltageSource(Name, card.Nodes[0], card.Nodes[1], dc, waveform, acMag ?? 0, acPhase ?? 0)
                : new CurrentSource(Name, card.Nodes[0], card.Nodes[1], dc, waveform, acMag ?? 0, acPhase ?? 0);
        }

        private static bool IsWaveformName(string s) =>
            s.Equals("pulse", StringComparison.OrdinalIgnoreCase) || s.Equals("sin", StringComparison.OrdinalIgnoreCase)
            || s.Equals("exp", StringComparison.OrdinalIgnoreCase) || s.Equals("pwl", StringComparison.OrdinalIgnoreCase);

        private Waveform Waveform(string name, IReadOnlyList<CardField> items, SourceLocation at, IReadOnlyList<CardField> fields, ref int k)
        {
            string kind = name.ToUpperInvariant();
            var numbers = new List<double>();
            double? repeat = null, delay = null;
            foreach (var item in items)
            {
                if (kind == "PWL" && item is KeyValueField kv && (kv.Is("r") || kv.Is("td")))
                {
                    if (kv.Is("r")) repeat = NumberOf(kv.Value, "PWL r");
                    else delay = NumberOf(kv.Value, "PWL td");
                    continue;
                }
                numbers.Add(NumberOf(item, $"{kind} parameter {numbers.Count + 1}"));
            }
            if (kind == "PWL")
            {
                // r= and td= may also follow the parentheses.
                while (k + 1 < fields.Count && fields[k + 1] is KeyValueField kv && (kv.Is("r") || kv.Is("td")))
                {
                    k++;
                    if (kv.Is("r")) repeat = NumberOf(kv.Value, "PWL r");
                    else delay = NumberOf(kv.Value, "PWL td");
                }
            }
            double? Opt(int i) => i < numbers.Count ? numbers[i] : null;
            void Count(int min, int max, string form)
            {
                if (numbers.Count < min || numbers.Count > max)
                    throw new LocatedException(at, $"{kind} takes {min}{(max > min ? $" to {max}" : "")} values ({form}), got {numbers.Count}");
            }
            switch (kind)
            {
                case "PULSE":
                    Count(2, 8, "V1 V2 [TD TR TF PW PER NP]");
                    return new PulseWaveform(numbers[0], numbers[1], Opt(2) ?? 0, Opt(3), Opt(4), Opt(5), Opt(6), Opt(7));
                case "SIN":
                    Count(2, 6, "VO VA [FREQ TD THETA PHASE]");
                    return new SineWaveform(numbers[0], numbers[1], Opt(2), Opt(3) ?? 0, Opt(4) ?? 0, Opt(5) ?? 0);
                case "EXP":
                    Count(2, 6, "V1 V2 [TD1 TAU1 TD2 TAU2]");
                    return new ExpWaveform(numbers[0], numbers[1], Opt(2), Opt(3), Opt(4), Opt(5));
                case "PWL":
                    if (numbers.Count < 2 || numbers.Count % 2 != 0)
                        throw new LocatedException(at, $"PWL takes pairs of time and value, got {numbers.Count} value{(numbers.Count == 1 ? "" : "s")}");
                    var times = new double[numbers.Count / 2];
                    var values = new double[numbers.Count / 2];
                    for (int i = 0; i < times.Length; i++) { times[i] = numbers[2 * i]; values[i] = numbers[2 * i + 1]; }
                    try { return new PwlWaveform(times, values, repeat, delay ?? 0); }
                    catch (ArgumentException ex) { throw new LocatedException(at, ex.Message); }
                case "SFFM":
                case "AM":
                    throw new LocatedException(at, $"{kind} waveforms are not supported yet");
                default:
                    throw new LocatedException(at, $"unknown waveform '{name}' on '{Name}' (PULSE, SIN, EXP, PWL)");
            }
        }

        private Element VoltageControlled()
        {
            var special = card.Fields.FirstOrDefault(f => f is KeyValueField or GroupField);
            if (card.Nodes.Count == 2 || special is GroupField)
                throw new LocatedException(special?.Location ?? card.Location,
                    $"{KindName()} '{Name}' with VALUE=, POLY() or TABLE is not supported yet; use a B source");
            var value = Positional();
            double gain = Required(value, KeyNumber(card.Kind == "E" ? "gain" : "gm"), card.Kind == "E" ? "gain" : "transconductance");
            double m = card.Kind == "G" ? Multiplier() : 1;
            RejectRest();
            return card.Kind == "E"
                ? new Vcvs(Name, card.Nodes[0], card.Nodes[1], card.Nodes[2], card.Nodes[3], gain)
                : new Vccs(Name, card.Nodes[0], card.Nodes[1], card.Nodes[2], card.Nodes[3], gain * m);
        }

        private Element CurrentControlled()
        {
            if (card.Fields.Count == 0 || card.Fields[0] is not IdentifierField control)
            {
                if (card.Fields.Count > 0 && card.Fields[0] is GroupField g)
                    throw new LocatedException(g.Location, $"{KindName()} '{Name}' with POLY() is not supported yet; use a B source");
                throw new LocatedException(card.Fields.Count > 0 ? card.Fields[0].Location : card.Location,
                    $"missing controlling voltage source name for '{Name}'");
            }
            _used.Add(control);
            if (elements.TryGetValue(control.Text, out var target) && target.Kind is not ("V" or "L" or "E" or "H"))
                throw new LocatedException(control.Location,
                    $"'{Name}' is controlled by the current of '{target.Name}', which has no branch current (use a voltage source or inductor)");
            var value = Positional();
            double gain = Required(value, null, card.Kind == "F" ? "gain" : "transresistance");
            double m = card.Kind == "F" ? Multiplier() : 1;
            RejectRest();
            return card.Kind == "F"
                ? new Cccs(Name, card.Nodes[0], card.Nodes[1], control.Text, gain * m)
                : new Ccvs(Name, card.Nodes[0], card.Nodes[1], control.Text, gain);
        }
    }
}
