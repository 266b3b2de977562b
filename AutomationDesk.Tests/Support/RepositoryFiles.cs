namespace AutomationDesk.Tests.Support;

/// <summary>Files of the repository itself (the README's examples), found by walking up from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string Read(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var file = Path.Combine(folder.FullName, relativePath);
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }
        throw new FileNotFoundException($"{relativePath} is not above the test's output folder.");
    }
}
