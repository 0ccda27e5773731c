"""Settings from the environment, with defaults for the local run (scripts/infra.sh)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    database_url: str
    admin_database_url: str
    amqp_uri: str

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ.get
        return cls(
            database_url=env(
                "TAIZHANG_DATABASE_URL", "postgresql://taizhang:taizhang@127.0.0.1:5432/taizhang"
            ),
            admin_database_url=env(
                "TAIZHANG_ADMIN_DATABASE_URL",
                "postgresql://taizhang_admin:taizhang_admin@127.0.0.1:5432/taizhang",
            ),
            amqp_uri=env("TAIZHANG_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
        )
