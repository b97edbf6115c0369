using System.Runtime.CompilerServices;

namespace ChatCompliance.Core.Cards;

/// <summary>
/// What one renderer made of each <see cref="Card.Reused"/> card, kept as long as the card itself lives; any other card
/// is rendered every time. The rendering must be read-only (a <c>JsonElement</c>, a string), as every message shares it.
/// </summary>
public sealed class RenderedCards<T>(Func<Card, T> render)
{
    private readonly ConditionalWeakTable<Card, StrongBox<T>> _rendered = new();

    public T Get(Card card)
    {
        if (!card.Reused)
        {
            return render(card);
        }

        if (!_rendered.TryGetValue(card, out var rendered))
        {
            // Two messages rendering the same card at once both render it; either result is the same.
            rendered = new StrongBox<T>(render(card));
            _rendered.AddOrUpdate(card, rendered);
        }

        return rendered.Value!;
    }
}
