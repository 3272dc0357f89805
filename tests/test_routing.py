"""Routing: a table of what users write, across the three regions and outside them."""

import json
from pathlib import Path

import pytest

from bot.referents import load_directory
from bot.routing import Router

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def router():
    return Router(load_directory(REPO / "knowledge" / "referents.yaml"))


TABLE = [
    # Hauts-de-France → Lianes Coopération
    ("59000", "lianes"),
    ("Lille", "lianes"),
    ("je suis élu à Amiens", "lianes"),
    ("80000", "lianes"),
    ("Nord", "lianes"),
    ("pas-de-calais", "lianes"),
    ("62", "lianes"),
    ("Aisne", "lianes"),
    ("02100 Saint-Quentin", "lianes"),
    ("Beauvais", "lianes"),
    ("Oise", "lianes"),
    ("Somme", "lianes"),
    ("Calais", "lianes"),
    ("Dunkerque", "lianes"),
    ("Roubaix", "lianes"),
    ("Hauts de France", "lianes"),
    ("Picardie", "lianes"),
    ("hauts-de-france", "lianes"),
    ("Compiègne", "lianes"),
    ("TOURCOING", "lianes"),
    # Pays de la Loire → PDLCI
    ("44000", "pdlci"),
    ("Nantes", "pdlci"),
    ("Loire-Atlantique", "pdlci"),
    ("loire atlantique", "pdlci"),
    ("Angers", "pdlci"),
    ("49", "pdlci"),
    ("Mayenne", "pdlci"),
    ("Le Mans", "pdlci"),
    ("Sarthe", "pdlci"),
    ("Vendée", "pdlci"),
    ("vendee", "pdlci"),
    ("La Roche-sur-Yon", "pdlci"),
    ("85000", "pdlci"),
    ("Saint-Nazaire", "pdlci"),
    ("saint nazair", "pdlci"),
    ("Cholet", "pdlci"),
    ("Laval", "pdlci"),
    ("Pays de la Loire", "pdlci"),
    ("Maine-et-Loire", "pdlci"),
    ("Rezé", "pdlci"),
    # Nouvelle-Aquitaine → SO Coopération
    ("33000 Bordeaux", "socoop"),
    ("Bordeaux", "socoop"),
    ("Gironde", "socoop"),
    ("girond", "socoop"),
    ("Limoges", "socoop"),
    ("87", "socoop"),
    ("Pau", "socoop"),
    ("64100 Bayonne", "socoop"),
    ("Poitiers", "socoop"),
    ("La Rochelle", "socoop"),
    ("Charente-Maritime", "socoop"),
    ("Corrèze", "socoop"),
    ("correze", "socoop"),
    ("Creuse", "socoop"),
    ("Dordogne", "socoop"),
    ("Landes", "socoop"),
    ("Lot-et-Garonne", "socoop"),
    ("Deux-Sèvres", "socoop"),
    ("Haute-Vienne", "socoop"),
    ("Nouvelle-Aquitaine", "socoop"),
    ("Poitou-Charentes", "socoop"),
    ("Angoulême", "socoop"),
    ("Niort", "socoop"),
    ("Brive-la-Gaillarde", "socoop"),
    # Elsewhere in France: no network of the three
    ("Paris", None),
    ("75011", None),
    ("Lyon", None),
    ("69001", None),
    ("Marseille", None),
    ("Strasbourg", None),
    ("67000", None),
    ("Rennes", None),
    ("Bretagne", None),
    ("Occitanie", None),
    ("Toulouse", None),
    ("20000 Ajaccio", None),
    ("2B", None),
    ("Corse", None),
    ("97100", None),
    ("Guadeloupe", None),
    ("Martinique", None),
    ("976", None),
    ("Caen", None),
    ("Dijon", None),
    ("Tours", None),
    ("Nice", None),
]


@pytest.mark.parametrize(("text", "network"), TABLE)
def test_routing_table(router, text, network):
    route = router.route(text)
    assert route is not None, text
    assert not route.ambiguous
    assert (route.network.id if route.network else None) == network
    assert route.matched


def test_the_table_is_large_enough():
    assert len(TABLE) >= 60
    assert {n for _, n in TABLE} == {"lianes", "pdlci", "socoop", None}


def test_outside_regions_still_name_the_region(router):
    route = router.route("Strasbourg")
    assert route.region == "FR-GES" and route.network is None
    assert router.route("Guadeloupe").region is None  # overseas: no metropolitan region


def test_ambiguous_names_ask_for_the_postal_code(router):
    route = router.route("Vienne")  # the département (Nouvelle-Aquitaine) or the town (Isère)
    assert route.ambiguous and route.network is None
    assert router.route("86000 Vienne").network.id == "socoop"


def test_nothing_recognised(router):
    assert router.route("Bonjour, je voudrais parler à quelqu'un") is None
    assert router.route("") is None


def test_cli_referent_json(capsys, monkeypatch):
    from bot.cli import main

    monkeypatch.setenv("INSPIRE_KNOWLEDGE_DIR", str(REPO / "knowledge"))
    assert main(["referent", "44000 Nantes", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["region"] == "FR-PDL" and data["network"] == "pdlci"
    assert data["name"] == "Pays de la Loire Coopération Internationale"
    assert data["email"].endswith("@paysdelaloire-cooperation-internationale.org")
    assert "44000" in data["matched"]
    assert main(["referent", "Lyon", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["region"] == "FR-ARA" and data["network"] is None
    assert main(["referent", "Lyon"]) == 0
    assert "rrma.fr" in capsys.readouterr().out


def test_a_bad_referents_file_names_the_field(tmp_path):
    from bot.errors import KnowledgeError

    text = (REPO / "knowledge" / "referents.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "referents.yaml"
    bad.write_text(text.replace("region: FR-PDL", "region: Pays de la Loire"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"field 'networks\.1\.region'"):
        load_directory(bad)
    bad.write_text(text.replace('"44", "49"', '"44", "99"'), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="unknown département code"):
        load_directory(bad)


@pytest.mark.parametrize(
    ("message", "asks_for_a_person"),
    [
        ("Je voudrais parler à un conseiller", True),
        ("Puis-je parler à quelqu'un ?", True),
        ("Comment contacter mon référent ?", True),
        ("I want to talk to a human", True),
        ("Хочу зв'язатися з людиною", True),
        ("Quel est le rôle du référent RRMA ?", False),
        ("Qui faut-il contacter pour intégrer le programme ?", False),
        ("Who is the referent?", False),
    ],
)
def test_plain_requests_for_a_person(message, asks_for_a_person):
    from bot.dialogue.handoff import HUMAN

    assert bool(HUMAN.search(message)) is asks_for_a_person
