namespace AutomationDesk.Core.Persistence;

/// <summary>Which database the desk keeps its state in (<c>Storage:Provider</c>); <c>ConnectionStrings:Desk</c> names it for either.</summary>
public enum StorageProvider
{
    /// <summary>One file beside the desk, for one desk process (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database that several desk processes can share.</summary>
    Postgres,
}
