using AnalogNN.Circuit;
using AnalogNN.Components;
using AnalogNN.Components.Semiconductors;

namespace AnalogNN.Netlists.Parsing;

public static partial class CircuitBuilder
{
    private sealed partial class CardReader
    {
        /// <summary>
        /// The element's <c>.model</c> as a typed model, built once per model card and shared by every
        /// element that names it. Unknown parameters are located errors (as unknown element
        /// parameters are); parameters SPICE knows but this model ignores are warnings.
        /// </summary>
        /// <remarks><paramref name="modelCard"/> selects another model of the card than the first (a 1T1R cell's transistor).</remarks>
        private TModel ModelOf<TModel>(Func<ModelCard, TModel> create, Func<string, string>? canonical = null,
            IReadOnlySet<string>? ignored = null, ModelCard? modelCard = null) where TModel : Model
        {
            var mc = modelCard ?? card.Model!;
            if (models.TryGetValue(mc, out var built))
                return built as TModel ?? throw new LocatedException(card.Location, $"model '{mc.Name}' cannot be used by '{Name}'");
            var model = create(mc);
            bool failed = false;
            foreach (var f in mc.Parameters)
            {
                switch (f)
                {
                    case KeyValueField kv:
                    {
                        string key = canonical?.Invoke(kv.Key) ?? kv.Key;
                        if (ignored is not null && ignored.Contains(key))
                        {
                            bag.Warning(kv.Location, $"{mc.Type} model parameter '{kv.Key}' of '{mc.Name}' is not implemented and ignored");
                            continue;
                        }
                        if (!model.Has(key))
                        {
                            bag.Error(kv.Location, $"unknown {mc.Type} model parameter '{kv.Key}' in model '{mc.Name}'");
                            failed = true;
                            continue;
                        }
                        if (kv.Value is not NumberField n)
                        {
                            bag.Error(kv.Value.Location, $"{mc.Type} model parameter '{kv.Key}' of '{mc.Name}' must be a number, found '{kv.Value}'");
                            failed = true;
                            continue;
                        }
                        try { model.Set(key, n.Value); }
                        catch (CircuitException ex)
                        {
                            bag.Error(n.Location, $"model '{mc.Name}': {ex.Detail}");
                            failed = true;
                        }
                        break;
                    }
                    default:
                        bag.Error(f.Location, $"unexpected '{f}' in model '{mc.Name}' (parameters are NAME=value)");
                        failed = true;
                        break;
                }
            }
            if (failed)
            {
                // errors are already reported at the parameters; elements of this model are not built
                models[mc] = model;
                throw new ModelFailedException();
            }
            models[mc] = model;
            return model;
        }

        private bool Flag(string word)
        {
            foreach (var f in card.Fields)
                if (f is IdentifierField id && id.Is(word) && !_used.Contains(f))
                {
                    _used.Add(f);
                    return true;
                }
            return false;
        }

        private void SkipModelName()
        {
            var id = card.Fields.FirstOrDefault(f => f is IdentifierField);
            if (id is not null) _used.Add(id);
        }

        /// <summary><c>D name a c model [area] [OFF] [AREA=a] [IC=vd] [M=m]</c>.</summary>
        private Element Diode()
        {
            SkipModelName();
            var model = ModelOf(mc => new DiodeModel(mc.Name), DiodeModel.Canonical);
            var area = Positional();
            double a = KeyNumber("area") ?? area?.Value ?? 1;
            double m = Multiplier();
            bool off = Flag("off");
            double? ic = KeyNumber("ic");
            RejectRest("temp", "dtemp", "pj", "lm", "wm", "lp", "wp");
            try { return new Diode(Name, card.Nodes[0], card.Nodes[1], model, a * m, off, ic); }
            catch (CircuitException ex) when (ex.Element == model.Name) { throw new LocatedException(card.Model!.Location, $"model '{model.Name}': {ex.Detail}"); }
        }

        /// <summary>Instance geometry of a MOSFET (M cards and the access transistor of 1T1R cells): L, W, AD, AS, NRD, NRS, M.</summary>
        private MosfetGeometry Geometry()
        {
            double? Length(string key)
            {
                var v = KeyNumber(key);
                if (v is double d && !(d > 0)) throw new LocatedException(Key(key)?.Location ?? card.Location, $"{key.ToUpperInvariant()} of '{Name}' must be > 0");
                return v;
            }
            var geo = new MosfetGeometry();
            return geo with
            {
                L = Length("l") ?? geo.L,
                W = Length("w") ?? geo.W,
                AD = KeyNumber("ad") ?? 0,
                AS = KeyNumber("as") ?? 0,
                NRD = KeyNumber("nrd") ?? 1,
                NRS = KeyNumber("nrs") ?? 1,
                Multiplier = Multiplier(),
            };
        }

        /// <summary><c>M name d g s b model [L=] [W=] [AD=] [AS=] [PD=] [PS=] [NRD=] [NRS=] [M=] [OFF]</c>.</summary>
        private Element Mosfet()
        {
            SkipModelName();
            var model = ModelOf(mc => new MosfetModel(mc.Name, mc.Type == "PMOS"), null, MosfetModel.Unsupported);
            var geo = Geometry();
            bool off = Flag("off");
            RejectRest("pd", "ps", "temp", "dtemp", "ic");
            try { return new Mosfet(Name, card.Nodes[0], card.Nodes[1], card.Nodes[2], card.Nodes[3], model, geo, off); }
            catch (CircuitException ex) when (ex.Element == model.Name) { throw new LocatedException(card.Model!.Location, $"model '{model.Name}': {ex.Detail}"); }
        }

        /// <summary><c>S name n+ n- nc+ nc- model [ON|OFF]</c>.</summary>
        private Element Switch()
        {
            SkipModelName();
            var model = ModelOf(mc => new SwitchModel(mc.Name));
            bool on = Flag("on");
            bool off = Flag("off");
            if (on && off) throw new LocatedException(card.Location, $"switch '{Name}' is given both ON and OFF");
            RejectRest();
            return new VoltageSwitch(Name, card.Nodes[0], card.Nodes[1], card.Nodes[2], card.Nodes[3], model, on);
        }
    }

    /// <summary>The element's model had errors, already reported where they are.</summary>
    private sealed class ModelFailedException : Exception;
}
