"""Where the user's files live by default: the config file and the state folder (platformdirs)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

APP_NAME = "followup-mailer"
ENV_CONFIG = "FOLLOWUP_MAILER_CONFIG"


def config_path(explicit: Path | None, environ: Mapping[str, str]) -> Path:
    """Choose the config file: --config, else $FOLLOWUP_MAILER_CONFIG, else the user config dir."""
    if explicit is not None:
        return explicit.expanduser()
    if environ.get(ENV_CONFIG):
        return Path(environ[ENV_CONFIG]).expanduser()
    import platformdirs  # here: a --config given (the daemon, scripts) never needs it

    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def default_state_dir() -> Path:
    """Return where the ledger lives when [state] dir is empty."""
    import platformdirs

    return platformdirs.user_state_path(APP_NAME, appauthor=False)
