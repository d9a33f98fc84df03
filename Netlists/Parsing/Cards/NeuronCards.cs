using AnalogNN.Circuit;
using AnalogNN.Components;
using AnalogNN.Components.Neurons;

namespace AnalogNN.Netlists.Parsing;

public static partial class CircuitBuilder
{
    private sealed partial class CardReader
    {
        /// <summary>Model types of the neuron-family Y devices (see <c>docs/neurons.md</c>).</summary>
        private static string[]? NeuronModelTypes(string kind) => kind switch
        {
            "YLIF" or "YLIF1T1R" => ["LIF"],
            "YPOISSON" => ["POISSON"],
            "YSPIKETRAIN" => ["SPIKETRAIN"],
            "YOPAMP" => ["OPAMP"],
            "YACT" or "YINTEG" => TransferModel.Types,
            _ => null,
        };

        /// <summary>The neuron-family element of this card, or null if the kind is not one of them.</summary>
        private Element? NeuronElement() => card.Kind switch
        {
            "YLIF" or "YLIF1T1R" => Lif(),
            "YPOISSON" or "YSPIKETRAIN" => Spikes(),
            "YOPAMP" => OpAmpElement(),
            "YACT" => Transfer(),
            "YINTEG" => Integrator(),
            _ => null,
        };

        /// <summary>Fills <paramref name="model"/> from the card's <c>.model</c> parameters, with located errors.</summary>
        private T FillModel<T>(T model) where T : Model
        {
            if (card.Fields.FirstOrDefault(f => f is IdentifierField) is { } name) _used.Add(name);
            foreach (var f in card.Model!.Parameters)
            {
                if (f is not KeyValueField kv)
                    throw new LocatedException(f.Location, $"unexpected '{f}' in {model.Type} model '{model.Name}' (expected NAME=value)");
                try { model.Set(kv.Key, NumberOf(kv.Value, kv.Key.ToUpperInvariant())); }
                catch (CircuitException ex) { throw new LocatedException(kv.Location, ex.Message); }
            }
            return model;
        }

        private Element Lif()
        {
            var model = FillModel(new LifModel(card.Model!.Name));
            RejectRest();
            return new LifNeuron(Name, card.Nodes[0], card.Nodes.Skip(1).ToArray(), model);
        }

        private Element Spikes()
        {
            var model = FillModel(new SpikeSourceModel(card.Model!.Name, card.Model.Type));
            if (card.Kind == "YPOISSON")
            {
                double? rate = KeyNumber("rate");
                double? seed = KeyNumber("seed");
                if (seed is double s && (s < 0 || s != Math.Floor(s)))
                    throw new LocatedException(Key("seed")!.Location, $"SEED of '{Name}' must be a non-negative integer");
                RejectRest();
                return new SpikeSource(Name, card.Nodes[0], card.Nodes[1], model, null, rate, seed is double sd ? (ulong)sd : null);
            }
            var times = new List<double>();
            for (var n = Positional(); n is not null; n = Positional()) times.Add(n.Value);
            RejectRest();
            return new SpikeSource(Name, card.Nodes[0], card.Nodes[1], model, times);
        }

        private Element OpAmpElement()
        {
            var model = FillModel(new OpAmpModel(card.Model!.Name));
            RejectRest();
            return new OpAmp(Name, card.Nodes[0], card.Nodes[1], card.Nodes[2], model);
        }

        private Element Transfer()
        {
            var model = FillModel(new TransferModel(card.Model!.Name, card.Model.Type));
            RejectRest();
            return new TransferBlock(Name, card.Nodes[0], card.Nodes[1], model);
        }

        private Element Integrator()
        {
            var model = FillModel(new TransferModel(card.Model!.Name, card.Model.Type));
            double tau = KeyNumber("tau") ?? throw new LocatedException(card.Location, $"missing TAU= for integrator neuron '{Name}'");
            double c = KeyNumber("c") ?? 1e-9;
            RejectRest();
            return new IntegratorNeuron(Name, card.Nodes[0], card.Nodes[1], model, tau, c);
        }
    }
}
