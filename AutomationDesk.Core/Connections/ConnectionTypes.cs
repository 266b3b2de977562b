namespace AutomationDesk.Core.Connections;

/// <summary>Every connection type the desk knows, from DI: each <see cref="ConnectionType"/> registered once.</summary>
public sealed class ConnectionTypes
{
    private readonly Dictionary<string, ConnectionType> _types;

    public ConnectionTypes(IEnumerable<ConnectionType> types)
    {
        _types = new(StringComparer.Ordinal);
        foreach (var type in types)
        {
            if (!_types.TryAdd(type.Name, type))
            {
                throw new InvalidOperationException($"Two connection types are named '{type.Name}'.");
            }
        }
    }

    public IReadOnlyCollection<ConnectionType> All => _types.Values;

    public ConnectionType? Find(string name) => _types.GetValueOrDefault(name);

    /// <summary>The concrete connection types of an assembly, for registration.</summary>
    public static IEnumerable<Type> TypesIn(System.Reflection.Assembly assembly) => assembly.GetTypes()
        .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ConnectionType).IsAssignableFrom(t) && t.GetConstructors().Length > 0);
}
