"""The base of every configuration model: frozen after loading, and strict — an unknown key
is an error naming it, never a silent no-op."""

from pydantic import BaseModel, ConfigDict


class ConfigModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
