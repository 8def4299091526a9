"""The local Dagster instance: ``<project>/.dagster_home`` with the project's dagster.yaml."""

from __future__ import annotations

import os
from pathlib import Path

from civstat import paths


def ensure_dagster_home() -> Path:
    """Create ``.dagster_home`` (linking the project's dagster.yaml) and point DAGSTER_HOME at it
    unless the caller already chose another instance."""
    if os.environ.get("DAGSTER_HOME"):
        return Path(os.environ["DAGSTER_HOME"])
    home = paths.PROJECT_ROOT / ".dagster_home"
    home.mkdir(exist_ok=True)
    link = home / "dagster.yaml"
    if not link.exists():
        link.symlink_to(Path("..") / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
