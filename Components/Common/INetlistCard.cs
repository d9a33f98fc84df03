namespace AnalogNN.Components;

/// <summary>An element that writes its own netlist card (extension devices with <c>Y</c> cards, generated blocks).</summary>
public interface INetlistCard
{
    /// <summary>The element's card, e.g. <c>YMEMRISTOR m1 a b mj X0=0.5</c>.</summary>
    string ToNetlistCard();
}
