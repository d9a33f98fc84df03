using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AnalogNN.Solvers")]
[assembly: InternalsVisibleTo("AnalogNN.Tests")]
