"""Grounding: figures, e-mails, phones and links of a text must stand in its sources."""

from __future__ import annotations

from bot.grounding import claims, unsupported


def test_claims_are_normalised():
    found = claims(
        "30 % en 2022, 1 000 €, 12,5 %, ODD 16, n.yaiche@lianescooperation.org, "
        "https://www.rrma.fr/ et +33 2 40 12 34 56"
    )
    assert {"num:30%", "num:2022", "num:1000", "num:12.5%", "num:16"} <= found
    assert {"email:n.yaiche@lianescooperation.org", "url:rrma.fr", "phone:0240123456"} <= found


def test_the_same_value_in_another_spelling_is_supported():
    passages = ["financé à hauteur de 50% par la DAECT", "un forfait de 1,000 euros", "rrma.fr"]
    assert (
        unsupported("La DAECT finance 50 % ; forfait : 1 000 € ; voir www.rrma.fr", passages) == []
    )


def test_what_the_passages_do_not_say_is_named():
    passages = ["cofinancer les actions à hauteur de 30%"]
    assert unsupported("Co-financing at 30 % or 40 %, write to a@b.example", passages) == [
        "a@b.example",
        "40%",
    ]
    # a percentage needs a percentage; a bare number may stand beside any unit
    assert unsupported("30", ["30 %"]) == []
    assert unsupported("30 %", ["30 ans"]) == ["30%"]
