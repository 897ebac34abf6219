using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace WebhookConsole.Tests.Unit.Fakes;

/// <summary>bunit 2.15 asks for AngleSharp.Diffing 1.1.1, which the mirror lacks; the 0.17.0 dll beside the tests serves its calls.</summary>
internal static class BunitAssemblyResolver
{
    [ModuleInitializer]
    internal static void Register() =>
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "AngleSharp.Diffing"
                ? context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "AngleSharp.Diffing.dll"))
                : null;
}
