namespace AutomationDesk.Web.Components.Pages.Inbox;

/// <summary>A workflow a routing rule can start, as the rule editor lists it.</summary>
public sealed record WorkflowOption(Guid Id, string Name);
