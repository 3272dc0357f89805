"""The regional networks that carry INSPIRE, with their public contacts (referents.yaml)."""

from __future__ import annotations

from pathlib import Path

import pycountry
import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError, field_validator

from .errors import KnowledgeError

DEPARTEMENT_CODES = frozenset(s.code for s in pycountry.subdivisions.get(country_code="FR"))


class Network(BaseModel):
    """One regional multi-actor network (RRMA)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    region: str = Field(pattern=r"^FR-[A-Z]{3}$")
    region_name: str
    contact: str
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")
    website: HttpUrl
    departements: list[str] = Field(min_length=1)

    @field_validator("departements")
    @classmethod
    def _known(cls, codes: list[str]) -> list[str]:
        unknown = [c for c in codes if f"FR-{c}" not in DEPARTEMENT_CODES]
        if unknown:
            raise ValueError(f"unknown département code(s): {', '.join(unknown)}")
        return codes


class NationalNetwork(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    website: HttpUrl


class Directory(BaseModel):
    """Every network the bot can send people to."""

    model_config = ConfigDict(extra="forbid")

    networks: list[Network] = Field(min_length=1)
    national: NationalNetwork

    def by_region(self, region: str) -> Network | None:
        return next((n for n in self.networks if n.region == region), None)

    def by_id(self, network_id: str) -> Network | None:
        return next((n for n in self.networks if n.id == network_id), None)


def load_directory(path: Path) -> Directory:
    """Read and validate the referents file; errors name the file and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Directory.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"{path}: cannot read the referents file ({exc})") from exc
    except ValidationError as exc:
        fields = "; ".join(
            f"field '{'.'.join(str(p) for p in e['loc'])}': {e['msg']}" for e in exc.errors()
        )
        raise KnowledgeError(f"{path}: {fields}") from exc
