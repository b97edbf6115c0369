using System.Text.Json.Serialization;

namespace ChatCompliance.Core.Cards;

/// <summary>
/// One element of a card's body. The hierarchy is closed (<see cref="TextElement"/>, <see cref="FactsElement"/>,
/// <see cref="RowsElement"/>, <see cref="LinksElement"/> and the <see cref="CardInput"/>s), so renderers can
/// handle every case.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextElement), "text")]
[JsonDerivedType(typeof(FactsElement), "facts")]
[JsonDerivedType(typeof(RowsElement), "rows")]
[JsonDerivedType(typeof(LinksElement), "links")]
[JsonDerivedType(typeof(TextInput), "text_input")]
[JsonDerivedType(typeof(DateInput), "date_input")]
[JsonDerivedType(typeof(ChoiceInput), "choice_input")]
public abstract record CardElement
{
    private protected CardElement()
    {
    }
}
