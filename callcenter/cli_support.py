"""What every command needs before it starts, kept apart from ``callcenter.cli`` so that the
typed core's commands can use it without importing the whole CLI (and the console with it)."""

from __future__ import annotations

import click

from callcenter.config import ConfigError, Settings, load_settings


def settings_or_exit() -> Settings:
    """The settings, or a one-line error naming the bad key (click prints it, exit 1)."""
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
