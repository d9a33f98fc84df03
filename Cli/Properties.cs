using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("AnalogNN.Tests")]
