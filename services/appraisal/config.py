"""The key behind peer-review pseudonyms, from the environment.

A real deployment sets TAIZHANG_APPRAISAL_KEY to a long random secret shared by every appraisal
instance (and kept out of the log and of backups of it): whoever holds the key and the log can
link pseudonyms to members. The default serves local runs and tests only.
"""

from __future__ import annotations

import os

KEY_VARIABLE = "TAIZHANG_APPRAISAL_KEY"
LOCAL_KEY = "taizhang-local-appraisal-key"


def appraisal_key() -> bytes:
    return os.environ.get(KEY_VARIABLE, LOCAL_KEY).encode()
