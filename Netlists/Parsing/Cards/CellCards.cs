using AnalogNN.Circuit;
using AnalogNN.Components.Memristors;
using AnalogNN.Components.Semiconductors;

namespace AnalogNN.Netlists.Parsing;

public static partial class CircuitBuilder
{
    private sealed partial class CardReader
    {
        /// <summary>
        /// <c>Y1T1R name te gate src [bulk] mmodel nmodel [W= L= AD= AS= NRD= NRS= M=] [X0=x0]</c>: a memristor
        /// (MEMRISTOR model, any level) from TE to <c>name.mid</c> in series with a level-1 access MOSFET
        /// (NMOS or PMOS model) from <c>name.mid</c> to the source; the bulk defaults to the source.
        /// </summary>
        private Element CellCard()
        {
            var memristor = MemristorModelOf();
            var ids = card.Fields.Where(f => f is IdentifierField).ToList();
            if (card.Models.Count < 2 || ids.Count < 2)
                throw new LocatedException(ids.Count > 0 ? ids[0].Location : card.Location,
                    $"missing transistor model for 1T1R cell '{Name}' (Y1T1R name te gate src [bulk] mmodel nmodel)");
            var nfield = ids[1];
            _used.Add(nfield);
            var mc = card.Models[1];
            if (mc.Type is not ("NMOS" or "PMOS"))
                throw new LocatedException(nfield.Location,
                    $"model '{mc.Name}' is a {mc.Type} model; the access transistor of 1T1R cell '{Name}' needs an NMOS or PMOS model");
            var transistor = ModelOf(m => new MosfetModel(m.Name, m.Type == "PMOS"), null, MosfetModel.Unsupported, mc);
            var geo = Geometry();
            double x0 = KeyNumber("x0", "xo") ?? 0;
            if (x0 < 0 || x0 > 1) throw new LocatedException(Key("x0", "xo")?.Location ?? card.Location, $"X0 of '{Name}' must be in [0, 1] (got {x0:G6})");
            RejectRest();
            string? bulk = card.Nodes.Count > 3 ? card.Nodes[3] : null;
            try { return new OneTransistorOneResistor(Name, card.Nodes[0], card.Nodes[1], card.Nodes[2], bulk, memristor, transistor, geo, x0); }
            catch (CircuitException ex) when (ex.Element == transistor.Name) { throw new LocatedException(mc.Location, $"model '{transistor.Name}': {ex.Detail}"); }
        }
    }
}
