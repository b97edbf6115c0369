namespace ChatCompliance.Core.Cards;

/// <summary>
/// A field the reader fills in. Its value comes back with the next <see cref="CardAction"/>, under <see cref="Id"/>.
/// </summary>
public abstract record CardInput : CardElement
{
    private protected CardInput(string id, string label, bool required)
    {
        Id = id;
        Label = label;
        Required = required;
    }

    /// <summary>The key the value comes back under.</summary>
    public string Id { get; init; }

    /// <summary>Plain text shown above the field.</summary>
    public string Label { get; init; }

    /// <summary>The action cannot be sent while the field is empty.</summary>
    public bool Required { get; init; }
}
