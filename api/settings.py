"""Service settings, read once from the environment (prefix ``STAFFWISE_``)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ExecutorKind = Literal["process", "thread", "dask"]


class Settings(BaseSettings):
    """Configuration of one Staffwise service instance.

    ``executor`` picks the job executor: a local process pool (default), an in-process thread
    pool (tests, debugging) or Dask; Dask is chosen automatically when ``dask_scheduler`` is set.
    """

    model_config = SettingsConfigDict(env_prefix="STAFFWISE_", extra="ignore")

    database_url: str = "sqlite:///./staffwise.db"
    dask_scheduler: str | None = None
    executor: ExecutorKind = "process"
    workers: int = Field(default=2, ge=1, le=64)
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    solver_time_limit_s: float = Field(default=30.0, gt=0, le=3600)
    solver_workers: int = Field(default=1, ge=1, le=16)
    run_migrations: bool = True
    # The HTTP edge (api/edge.py). Lists: comma-separated or JSON in the environment.
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["localhost", "127.0.0.1", "::1"],
        description="Host header values served (besides the address a request arrived on); "
        "'*' serves any",
    )
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="origins (scheme://host[:port]) besides the service's own whose pages may "
        "send POST/PUT/PATCH/DELETE",
    )
    rate_limit_per_s: float = Field(default=200.0, ge=0.0, description="0: no rate limit")
    rate_limit_burst: int = Field(default=1000, ge=1)

    @field_validator("allowed_hosts", "allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    # jobs (api.jobs, api.leases): lease length (renewed every third of it), attempts of a job
    # whose service stopped, how long a shutdown waits for running jobs to stop
    job_lease_s: float = Field(default=30.0, gt=0, le=3600)
    job_max_attempts: int = Field(default=3, ge=1, le=100)
    drain_grace_s: float = Field(default=8.0, ge=0, le=600)
    # history uploads up to this size are imported in the request; larger ones run as a job
    sync_import_bytes: int = Field(default=1024 * 1024, ge=0)
    upload_dir: str | None = None

    @property
    def executor_kind(self) -> ExecutorKind:
        return "dask" if self.dask_scheduler else self.executor
