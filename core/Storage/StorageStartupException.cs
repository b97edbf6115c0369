namespace ChatCompliance.Core.Storage;

/// <summary>The store cannot be used; the message names the setting to fix and is meant for one log line.</summary>
public sealed class StorageStartupException : Exception
{
    public StorageStartupException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }

    public StorageStartupException()
    {
    }

    public StorageStartupException(string message) : base(message)
    {
    }
}
