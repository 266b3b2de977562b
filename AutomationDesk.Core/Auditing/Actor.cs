namespace AutomationDesk.Core.Auditing;

/// <summary>Who made a change: a person, an API key, a webhook sender or the desk itself.</summary>
public sealed record Actor(ActorKind Kind, string Name)
{
    public static Actor System { get; } = new(ActorKind.System, "system");

    public static Actor User(string email) => new(ActorKind.User, email);

    public static Actor Key(string name) => new(ActorKind.ApiKey, name);

    public override string ToString() => $"{Kind}:{Name}";
}
