"""The key behind peer-review pseudonyms, from the environment; it has no default.

TAIZHANG_APPRAISAL_KEY is a long random secret shared by every appraisal instance (and kept out
of the log and of backups of it): whoever holds the key and the log can link pseudonyms to
members. Without it the appraisal does not start (`make run` makes one under run/).
"""

from __future__ import annotations

from nameko.extensions import DependencyProvider

from services.common.secrets import required_secret

KEY_VARIABLE = "TAIZHANG_APPRAISAL_KEY"


def appraisal_key() -> bytes:
    return required_secret(KEY_VARIABLE, "keys the peer reviewers' pseudonyms").encode()


class PseudonymKey(DependencyProvider):
    """The key, read when the container starts: a service without one fails then, not later on
    its first review."""

    def setup(self) -> None:
        self.key = appraisal_key()

    def get_dependency(self, worker_ctx) -> bytes:
        return self.key
