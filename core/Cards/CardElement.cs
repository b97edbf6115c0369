namespace ChatCompliance.Core.Cards;

/// <summary>
/// One element of a card's body. The hierarchy is closed (<see cref="TextElement"/>, <see cref="FactsElement"/>,
/// <see cref="RowsElement"/>, <see cref="LinksElement"/> and the <see cref="CardInput"/>s), so renderers can
/// handle every case.
/// </summary>
public abstract record CardElement
{
    private protected CardElement()
    {
    }
}
