"""``callcenter sandbox up | down | status | info | cli``."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import click

from callcenter.config import ConfigError, load_settings
from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.sandbox import Sandbox


def _sandbox() -> Sandbox:
    try:
        return Sandbox(load_settings())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


def _print(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    for key, value in data.items():
        shown = value if isinstance(value, str | int | None) else json.dumps(value)
        click.echo(f"{key}: {shown}")


@click.group()
def sandbox() -> None:
    """A loopback-only Asterisk for development, tests and the demo."""


@sandbox.command()
def up() -> None:
    """Start Asterisk (building it on first use); if running, apply config changes."""
    try:
        state = _sandbox().up()
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Asterisk {state['version']} running (pid {state['pid']})", err=True)


@sandbox.command()
def down() -> None:
    """Stop the sandbox's Asterisk and unmount its root."""
    try:
        _sandbox().down()
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from exc


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help='Print {"running", "pid", "version"}.')
def status(as_json: bool) -> None:
    """Is Asterisk running, with which pid and version."""
    try:
        _print(_sandbox().status(), as_json)
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from exc


@sandbox.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def info(as_json: bool) -> None:
    """AMI and SIP addresses, numbers to dial, and the generated credentials."""
    try:
        _print(_sandbox().info(), as_json)
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from exc


@sandbox.command(context_settings={"ignore_unknown_options": True})
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def cli(command: tuple[str, ...]) -> None:
    """Asterisk's console (``asterisk -r``), or run COMMAND in it (``asterisk -rx``)."""
    box = _sandbox()
    try:
        if not box.status()["running"]:
            raise SandboxError("the sandbox is not running: run `callcenter sandbox up`")
        argv = box.console_command(command)
    except SandboxError as exc:
        raise click.ClickException(str(exc)) from exc
    sys.exit(subprocess.run(argv, check=False).returncode)
