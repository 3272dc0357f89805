"""The regional networks that carry INSPIRE, with their public contacts (referents.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from .errors import KnowledgeError


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


class NationalNetwork(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    website: HttpUrl


class Directory(BaseModel):
    """Every network the bot can send people to."""

    model_config = ConfigDict(extra="forbid")

    networks: list[Network] = Field(min_length=1)
    national: NationalNetwork


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
