"""espeak-ng through ctypes: the library and data shipped by ``espeakng-loader``.

espeak-ng keeps global state (one voice, one callback per process), so all
calls go through one lock and the library is initialised once, lazily.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import threading
from pathlib import Path

import numpy as np

from ..errors import EngineError, GuideError
from ..script.model import VoiceSettings
from .base import AudioChunk, Capabilities, EngineBase, Health, VoiceInfo, VoiceNotFound, VoiceRef, package_version

# espeak_AUDIO_OUTPUT, espeak_POSITION_TYPE, flags and parameters from speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE = 1
_PITCH = 3
_EE_OK = 0
_NORMAL_RATE = 175  # words per minute at speed 1.0 (espeak-ng's default)
LANGUAGE_PACE = {"ar": 0.85}
"""Speed 1.0 per language, as a share of espeak-ng's default rate. Arabic at 85 % was understood
better by the recogniser on both test texts, 75 % no better (docs/arabic-offline.md)."""
_NORMAL_PITCH = 50


class _Event(ctypes.Structure):
    # espeak_EVENT; only the type is read, to find the terminator of the array.
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    ]


class _Voice(ctypes.Structure):
    # espeak_VOICE
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


def _locate() -> tuple[str, str | None]:
    """The library to load and its data folder: the bundled one, else a system espeak-ng."""
    try:
        import espeakng_loader  # noqa: PLC0415 - guarded: without it, a system espeak-ng
    except ImportError:
        espeakng_loader = None
    if espeakng_loader is not None:
        return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
    system = ctypes.util.find_library("espeak-ng")
    if system:
        return system, None
    raise EngineError("espeak-ng is not available: reinstall guide (pip install -e .) to get espeakng-loader")


class _Library:
    """The process-wide espeak-ng: the library keeps one voice and one callback per process,
    so every EspeakEngine shares this one handle and its lock."""

    def __init__(self) -> None:
        path, data = _locate()
        lib = ctypes.CDLL(path)
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_Info.argtypes = [ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode() if data else None, 0)
        if rate <= 0:
            raise EngineError(f"espeak-ng failed to start (library {path}, data {data})")
        self.lib = lib
        self.sample_rate = rate
        self.lock = threading.Lock()
        self.buffer: list[np.ndarray] = []
        self._callback = _SynthCallback(self._on_audio)  # must stay referenced while the library lives
        lib.espeak_SetSynthCallback(self._callback)

    def _on_audio(self, wav, count, events) -> int:  # a ctypes callback
        if count > 0:
            self.buffer.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0  # 0 = continue synthesis


_STARTING = threading.Lock()


@functools.lru_cache(maxsize=1)
def _shared() -> _Library:
    """The one espeak-ng handle of this process, started on first use."""
    # lru_cache does not stop two threads (a studio's build and its ▶) from both starting the library on
    # first use; two espeak_Initialize calls leave two handles with two locks over one library, which crashes.
    with _STARTING:
        return _started()


@functools.lru_cache(maxsize=1)
def _started() -> _Library:
    return _Library()


class EspeakEngine(EngineBase):
    """espeak-ng: ~100 languages, offline, tiny and fast; the default Arabic voice."""

    name = "espeak"
    # One voice and one callback per process: takes record one at a time (no threads).
    capabilities = Capabilities(offline=True, settings=frozenset({"pitch"}), hard_to_follow=frozenset({"ar"}))

    def __init__(self) -> None:
        self._voices: list[VoiceInfo] | None = None

    def version(self) -> str:
        """The espeak-ng library version, e.g. ``1.52.0``."""
        handle = _shared()
        with handle.lock:
            return handle.lib.espeak_Info(None).decode()

    def health(self) -> Health:
        """The library's version, and whether the Arabic and English voices load."""
        fix = "reinstall: pip install --force-reinstall espeakng-loader"
        try:
            version = self.version()
            fails = []
            for lang in ("ar", "en"):
                try:
                    self.resolve(lang, VoiceSettings(engine=self.name, voice=lang), Path.cwd())
                except GuideError:
                    fails.append(lang)
        except (ImportError, OSError, GuideError) as exc:
            return Health("fail", f"libespeak-ng does not load: {exc}", fix, name="espeak-ng")
        if fails:
            return Health(
                "fail", f"libespeak-ng {version}: voices {', '.join(fails)} do not load", fix, name="espeak-ng"
            )
        loader = package_version("espeakng-loader")
        return Health("ok", f"libespeak-ng {version} (espeakng-loader {loader}); voices ar, en load", name="espeak-ng")

    # -- engine interface ---------------------------------------------------
    def list_voices(self) -> list[VoiceInfo]:
        if self._voices is None:
            handle = _shared()
            with handle.lock:
                array = handle.lib.espeak_ListVoices(None)
                voices = []
                i = 0
                while array[i]:
                    v = array[i].contents
                    identifier = v.identifier.decode()
                    voices.append(
                        VoiceInfo(self.name, identifier.rsplit("/", 1)[-1], _languages(v.languages), v.name.decode())
                    )
                    i += 1
            self._voices = sorted(voices, key=lambda v: v.name)
        return self._voices

    def resolve(self, lang: str, settings: VoiceSettings, base_dir: Path) -> VoiceRef:
        name = settings.voice or settings.lang or lang
        handle = _shared()
        with handle.lock:
            ok = handle.lib.espeak_SetVoiceByName(name.encode()) == _EE_OK
        if not ok:
            near = [
                v.name
                for v in self.list_voices()
                if any(code.split("-")[0] == lang.split("-")[0] for code in v.languages)
            ]
            hint = f"voices for '{lang}': {', '.join(near)}" if near else "run 'guide voices' to list them"
            raise VoiceNotFound(f"espeak-ng has no voice '{name}' ({hint})")
        identity = f"espeak-ng {self.version()} espeakng-loader=={package_version('espeakng-loader')}"
        pace = _pace(lang)
        if pace != 1.0:  # only then, so the keys of every other language's takes stay as they were
            identity += f" pace={pace}"
        return VoiceRef(self.name, lang, name, speed=settings.speed, pitch=settings.pitch, identity=identity)

    def synthesize(self, text: str, voice: VoiceRef) -> AudioChunk:
        data = text.encode("utf-8") + b"\0"
        handle = _shared()
        with handle.lock:
            lib = handle.lib
            if lib.espeak_SetVoiceByName(voice.voice.encode()) != _EE_OK:
                raise EngineError(f"espeak-ng could not load voice '{voice.voice}'")
            lib.espeak_SetParameter(_RATE, rate(voice.lang, voice.speed), 0)
            # Parameters outlive a voice change, so pitch is always set.
            lib.espeak_SetParameter(_PITCH, _NORMAL_PITCH if voice.pitch is None else int(voice.pitch), 0)
            handle.buffer = []
            status = lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            chunks, handle.buffer = handle.buffer, []
        if status != _EE_OK:
            raise EngineError(f"espeak-ng failed (status {status}) on: {text[:60]}")
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return AudioChunk(text, samples.astype(np.int16, copy=False), handle.sample_rate)


def _pace(lang: str) -> float:
    return LANGUAGE_PACE.get(lang.split("-")[0].lower(), 1.0)


def rate(lang: str, speed: float) -> int:
    """espeak-ng's rate (words per minute) for a script language at `speed`."""
    return round(_NORMAL_RATE * _pace(lang) * speed)


def _languages(pointer: int | None) -> tuple[str, ...]:
    """Decode espeak_VOICE.languages: (priority byte, NUL-terminated name)*, then a 0 byte."""
    if not pointer:
        return ()
    out = []
    offset = 0
    while True:
        priority = ctypes.c_ubyte.from_address(pointer + offset).value
        if priority == 0:
            break
        name = ctypes.string_at(pointer + offset + 1)
        out.append(name.decode(errors="replace"))
        offset += 1 + len(name) + 1
    return tuple(out)


def create(registry) -> EspeakEngine:  # registry: an EngineRegistry (entry point ``guide.engines``)
    """The engine, as the registry makes it from the ``guide.engines`` entry point."""
    return EspeakEngine()
