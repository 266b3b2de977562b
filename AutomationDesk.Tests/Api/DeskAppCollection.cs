namespace AutomationDesk.Tests.Api;

/// <summary>One desk for every API and live-channel test class: each test makes its own uniquely named data.</summary>
[CollectionDefinition(Name)]
public sealed class DeskAppCollection : ICollectionFixture<DeskApp>
{
    public const string Name = "Desk API";
}
