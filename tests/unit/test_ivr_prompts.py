"""``prompts build``: 8 kHz mono 16-bit WAVs from a menu's texts, or from the desk's recordings."""

from __future__ import annotations

import json
import shutil
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from ivr.cli import prompts

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="needs espeak-ng and sox (apt-get install espeak-ng sox)",
)

TINY = """
[menu]
start = "main"
[nodes.main]
options = [{ digit = "1", action = "queue", queue = "general" }]
[nodes.main.prompt]
zh = "人工服务请按1。"
en = "For an operator, press 1."
[prompts.invalid]
zh = "输入有误。"
en = "Invalid."
[prompts.no_input]
zh = "没有收到按键。"
en = "No input."
[prompts.blocked]
zh = "再见。"
en = "Goodbye."
"""


def build(menu_dir: Path, out: Path, *extra: str) -> str:
    args = ["build", "--menu", str(menu_dir), "--prompts-dir", str(out), *extra]
    result = CliRunner().invoke(prompts, args)
    assert result.exit_code == 0, result.output
    return result.output


def format_of(path: Path) -> tuple[int, int, int, int]:
    with wave.open(str(path)) as wav:
        return wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes()


def test_prompts_build_makes_8khz_wavs_and_skips_what_is_up_to_date(tmp_path: Path) -> None:
    menu_dir, out = tmp_path / "menus", tmp_path / "prompts"
    menu_dir.mkdir()
    (menu_dir / "desk.toml").write_text(TINY, encoding="utf-8")

    assert "8 built, 0 up to date" in build(menu_dir, out)
    for language in ("zh", "en"):
        for prompt_id in ("main", "invalid", "no_input", "blocked"):
            rate, channels, width, frames = format_of(out / language / f"{prompt_id}.wav")
            assert (rate, channels, width) == (8000, 1, 2) and frames > 800
    sidecar = json.loads((out / "zh" / "main.wav.json").read_text(encoding="utf-8"))
    assert sidecar["voice"] == "cmn" and sidecar["text"] == "人工服务请按1。"

    assert "0 built, 8 up to date" in build(menu_dir, out)
    assert "8 built" in build(menu_dir, out, "--force")
    (menu_dir / "desk.toml").write_text(TINY.replace("Goodbye.", "Good bye now."), encoding="utf-8")
    assert "1 built, 7 up to date" in build(menu_dir, out)


def test_a_recording_next_to_the_menu_replaces_the_synthesized_voice(tmp_path: Path) -> None:
    menu_dir, out = tmp_path / "menus", tmp_path / "prompts"
    recorded = menu_dir / "prompts" / "zh" / "main.wav"
    recorded.parent.mkdir(parents=True)
    (menu_dir / "desk.toml").write_text(TINY, encoding="utf-8")
    with wave.open(str(recorded), "wb") as wav:  # 16 kHz stereo: converted on build
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(b"\x00\x10\x00\x10" * 16000)

    build(menu_dir, out)
    assert format_of(out / "zh" / "main.wav") == (8000, 1, 2, 8000)
    sidecar = json.loads((out / "zh" / "main.wav.json").read_text(encoding="utf-8"))
    assert sidecar["voice"] == "recorded"
