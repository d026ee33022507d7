"""``callcenter menus check`` and ``callcenter prompts build`` (attached by callcenter.cli)."""

from __future__ import annotations

from pathlib import Path

import click

from ivr.menu import Menu
from ivr.menu_load import SHIPPED_MENUS, MenuError, check_menu, load_menu
from ivr.prompt_build import PromptBuildError, build, check_tools, plan


def menu_files(path: Path) -> list[Path]:
    """A menu file, or every ``*.toml`` in a directory."""
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if not files:
            raise click.ClickException(f"{path}: no menu files (*.toml) here")
        return files
    return [path]


def default_prompts_dir() -> Path:
    """The ``prompts_dir`` setting, else the sandbox Asterisk's sounds folder."""
    from callcenter.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    from callcenter.controller.ivr_setup import prompt_folders

    return prompt_folders(settings)[1]


@click.group("menus")
def menus() -> None:
    """IVR menus (data files in ivr/menus/)."""


@menus.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def check_command(path: Path | None) -> None:
    """Validate a menu file, or every menu in a directory (default: the shipped menus)."""
    failed = False
    for file in menu_files(path or SHIPPED_MENUS):
        result = check_menu(file)
        for problem in result.errors:
            click.echo(f"error: {problem}", err=True)
        for problem in result.warnings:
            click.echo(f"warning: {problem}", err=True)
        if result.menu is None:
            failed = True
            continue
        nodes, prompts = len(result.menu.nodes), len(result.menu.all_prompts())
        click.echo(f"{file}: ok ({nodes} nodes, {prompts} prompts)")
    if failed:
        raise click.ClickException("menu check failed")


@click.group("prompts")
def prompts() -> None:
    """Voice prompts of the IVR menus."""


@prompts.command("build")
@click.option("--force", is_flag=True, help="Rebuild files that are up to date too.")
@click.option(
    "--menu",
    "menu_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="A menu file or directory (repeatable; default: the shipped menus).",
)
@click.option(
    "--prompts-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="CALLCENTER_PROMPTS_DIR",
    help="Where WAV files go (default: the prompts_dir setting, or <state_dir>/prompts).",
)
def build_command(force: bool, menu_paths: tuple[Path, ...], prompts_dir: Path | None) -> None:
    """Make 8 kHz WAV prompts from the menus' texts (espeak-ng + sox) or recordings."""
    loaded: list[Menu] = []
    try:
        for path in menu_paths or (SHIPPED_MENUS,):
            loaded += [load_menu(file) for file in menu_files(path)]
        check_tools()
        target = prompts_dir or default_prompts_dir()
        jobs = plan(loaded, target)
        built = 0
        with click.progressbar(jobs, label="prompts", item_show_func=_label) as bar:
            for job in bar:
                built += build(job, force=force)
    except (MenuError, PromptBuildError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{built} built, {len(jobs) - built} up to date, in {target}")


def _label(job: object) -> str | None:
    prompt_id, language = getattr(job, "prompt_id", None), getattr(job, "language", None)
    return f"{language}/{prompt_id}" if prompt_id else None
