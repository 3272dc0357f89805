"""A small knowledge corpus written on the fly: a generated PDF, a Markdown page, a calls file.

Its facts are invented on purpose (a "Horizon" network, 40 %, 15 mars 2027), so a test that
finds them proves the answer came from this corpus and not from the shipped one.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from fpdf import FPDF

PDF_PAGES = [
    (
        "COMMENT ADHÉRER AU RÉSEAU HORIZON ?",
        "Pour adhérer au réseau Horizon, une commune signe une lettre d'engagement avant le "
        "15 mars 2027. Le secrétariat du réseau répond aux demandes d'adhésion sous dix jours "
        "ouvrés. Les communes de moins de 2000 habitants sont accompagnées par un référent dédié.",
    ),
    (
        "COMMENT EST FINANCÉ LE RÉSEAU HORIZON ?",
        "Le ministère cofinance les actions des communes membres à hauteur de 40 %. Les frais de "
        "déplacement des délégations envoyées en Moldavie sont pris en charge par le réseau. La "
        "participation des élus aux ateliers est valorisée dans le budget.",
    ),
]

MARKDOWN = """# Exposition itinérante sur les volcans

L'exposition itinérante sur les volcans d'Auvergne circule dans 12 communes du réseau.
Elle se réserve auprès du musée départemental, trois mois à l'avance.

## Conditions de prêt

Le transport de l'exposition est gratuit pour les communes membres du réseau Horizon.
"""

CALLS = [
    {
        "id": "test-twinning-2027",
        "programme": "CERV – Citizens, Equality, Rights and Values",
        "title": "Jumelage de villes test 2027",
        "call_identifier": "CERV-2027-TEST-TT",
        "summary": "Subvention forfaitaire pour des rencontres de jumelage entre villes "
        "partenaires de deux pays éligibles.",
        "themes": ["jumelage", "citoyenneté européenne"],
        "eligible_applicants": "Communes et comités de jumelage.",
        "eligible_countries": "États membres de l'UE et pays associés.",
        "amounts": "Forfait de 12 345 à 54 321 euros par projet.",
        "cofinancing_rate": "Sans objet (forfait).",
        "deadlines": [{"date": "2027-09-21", "note": "17:00 Bruxelles"}],
        "status_note": "Appel annoncé.",
        "url": "https://example.org/calls/test-twinning-2027",
        "sources": ["https://example.org/sources/twinning"],
        "checked": "2026-11-20",
    },
    {
        "id": "test-climate-2027",
        "programme": "LIFE",
        "title": "Adaptation au climat test 2027",
        "summary": "Cofinance des projets qui rendent les territoires plus résilients aux "
        "inondations et aux canicules.",
        "themes": ["climat", "adaptation"],
        "amounts": "De 1 à 5 millions d'euros par projet.",
        "cofinancing_rate": "60 % des coûts éligibles.",
        "deadlines": [{"date": "2027-03-02"}],
        "sources": ["https://example.org/sources/life"],
        "checked": "2026-11-20",
    },
]


def make_pdf(
    path: Path, pages: list[tuple[str, str]] = PDF_PAGES, title: str = "Guide Horizon"
) -> Path:
    """Write a real PDF (fpdf2), one page per (heading, paragraph)."""
    pdf = FPDF()
    pdf.set_title(title)
    for heading, body in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 8, heading)
        pdf.ln(4)
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, body)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def write_corpus(root: Path) -> Path:
    """Create the test knowledge folder under ``root``."""
    make_pdf(root / "programme" / "guide.pdf")
    (root / "programme" / "exposition.md").write_text(MARKDOWN, encoding="utf-8")
    calls = root / "calls" / "calls.yaml"
    calls.parent.mkdir(parents=True, exist_ok=True)
    calls.write_text(yaml.safe_dump(CALLS, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


# Answer cards about the corpus above: each backed by a passage of the generated PDF.
CARDS = [
    {
        "id": "horizon-join",
        "questions": [
            "Comment adhérer au réseau Horizon ?",
            "On veut rejoindre Horizon, on fait comment ?",
            "How can a town join the Horizon network?",
            "Як громаді приєднатися до мережі Horizon?",
            "Jak gmina może przystąpić do sieci Horizon?",
        ],
        "answer": {
            "fr": "Une commune adhère au réseau Horizon en signant une lettre d'engagement "
            "avant le 15 mars 2027.",
            "en": "A town joins the Horizon network by signing a letter of engagement before "
            "15 March 2027.",
            "uk": "Громада приєднується до мережі Horizon, підписавши лист про зобов'язання до "
            "15 березня 2027 року.",
            "pl": "Gmina przystępuje do sieci Horizon, podpisując deklarację zaangażowania przed "
            "15 marca 2027 r.",
        },
        "sources": [
            {
                "file": "programme/guide.pdf",
                "page": 1,
                "passage": "Pour adhérer au réseau Horizon, une commune signe une lettre "
                "d'engagement avant le 15 mars 2027.",
            }
        ],
        "related": ["horizon-cofinancing"],
        "checked": "2026-11-27",
    },
    {
        "id": "horizon-cofinancing",
        "questions": [
            "Quel est le taux de cofinancement du ministère pour Horizon ?",
            "Le ministère paie combien de nos actions ?",
            "What share of our actions does the ministry co-finance?",
            "Який відсоток співфінансування від міністерства?",
            "Jaki procent działań współfinansuje ministerstwo?",
        ],
        "answer": {
            "fr": "Le ministère cofinance les actions des communes membres à hauteur de 40 %.",
            "en": "The ministry co-finances the member towns' actions at 40 %.",
            "uk": "Міністерство співфінансує заходи громад-членів на 40 %.",
            "pl": "Ministerstwo współfinansuje działania gmin członkowskich w 40 %.",
        },
        "sources": [
            {
                "file": "programme/guide.pdf",
                "page": 2,
                "passage": "Le ministère cofinance les actions des communes membres à hauteur "
                "de 40 %.",
            }
        ],
        "checked": "2026-11-27",
    },
]


def write_cards(root: Path, cards: list[dict] | None = None, name: str = "cards.yaml") -> Path:
    """Write answer cards (default: :data:`CARDS`) into ``root/answers/``."""
    path = root / "answers" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = CARDS if cards is None else cards
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
