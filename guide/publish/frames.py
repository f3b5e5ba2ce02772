"""Joining MP3 files without decoding: read each piece's frames, write one file of them all.

A full guide is its pieces' MPEG audio frames one after another (the title and
chapter announcements, the pauses, the tracks), behind one ID3 tag and one
Xing/Info frame that describes the whole file: its frame and byte counts, a seek
table, and the LAME gapless fields (the encoder delay of the first piece and the
padding of the last), so a decoder trims exactly what one encoding of the whole
would have had it trim.

What makes that safe, and is checked for every piece before it is joined
(:func:`read_piece` raises :class:`NotJoinable` otherwise):

- every piece has the same settings (MPEG-1 Layer III, 44.1 kHz, mono, the same
  constant bitrate), so the frames are interchangeable;
- every piece is a whole LAME file: an Info frame with its delay and padding, then
  audio frames whose first does not reach back into a bit reservoir (LAME starts
  each file with an empty one: ``main_data_begin`` is 0), so no frame of a piece
  depends on the frames of the piece before it.

Inside the joined file each piece's own delay and padding remain as a few
milliseconds of near-silence at its join (joins fall in the pauses between
tracks); :func:`starts` says where each piece's audio starts in the decoded file,
to the sample.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import AudioError

SAMPLES_PER_FRAME = 1152
"""MPEG-1 Layer III."""

SAMPLE_RATES = (44100, 48000, 32000)
"""MPEG-1 sample rates by header index."""

BITRATES_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
"""MPEG-1 Layer III bitrates by header index (0: free format, refused)."""

SIDE_INFO_MONO = 17
"""Bytes of side information in an MPEG-1 mono frame; the Xing/Info tag follows it."""

LAME_TAG = 120
"""Offset of the LAME extension from the start of the Info tag (flags 0x0F: frames, bytes, TOC, quality)."""

TAG_CRC_SPAN = 190
"""Bytes at the start of the Info frame the LAME tag CRC covers."""

LAME_VERSION = b"LAME3.100"
"""The encoder string written in the joined file's LAME tag (ffmpeg's libmp3lame is LAME 3.100).

ffmpeg writes ``Lavc…`` there; readers such as mutagen honour the gapless fields only behind ``LAME``."""


class NotJoinable(AudioError):
    """A piece whose frames cannot be joined to the others (other settings, not a whole LAME file)."""


@dataclass(frozen=True)
class Settings:
    """What every frame of every piece must share to be joined."""

    sample_rate: int
    """Samples per second."""

    channels: int
    """1 for mono."""

    bitrate: int
    """Constant bitrate, kbit/s."""


@dataclass(frozen=True)
class Piece:
    """One MP3 file as a run of audio frames, ready to be joined."""

    path: Path
    """The file."""

    start: int
    """Byte offset of its first audio frame (after any ID3 tag and its Info frame)."""

    end: int
    """Byte offset just after its last audio frame."""

    frames: int
    """Number of audio frames."""

    delay: int
    """Encoder delay (samples before the audio, LAME tag)."""

    padding: int
    """Encoder padding (samples after the audio, LAME tag)."""

    crc: int
    """CRC-16 of its audio frames (the LAME tag's music CRC)."""

    info: bytes
    """Its Info frame (a template for the joined file's)."""

    @property
    def samples(self) -> int:
        """Audio samples a decoder gives for this file alone."""
        return self.frames * SAMPLES_PER_FRAME - self.delay - self.padding

    @property
    def bytes(self) -> int:
        return self.end - self.start


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class _Header:
    """The fields of a 4-byte MPEG audio frame header guide cares about."""

    version: int
    layer: int
    protected: bool
    bitrate: int
    sample_rate: int
    channels: int
    length: int


def _header(data: bytes, at: int) -> _Header | None:
    """The frame header at `at`, None when there is none (not a sync word, reserved values)."""
    if at + 4 > len(data) or data[at] != 0xFF or data[at + 1] & 0xE0 != 0xE0:
        return None
    b1, b2, b3 = data[at + 1], data[at + 2], data[at + 3]
    version, layer = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 3
    if version != 3 or layer != 1 or bitrate_index in (0, 15) or rate_index == 3:
        return None  # only MPEG-1 Layer III with a known bitrate is joined
    bitrate, rate = BITRATES_KBPS[bitrate_index], SAMPLE_RATES[rate_index]
    length = 144 * bitrate * 1000 // rate + ((b2 >> 1) & 1)
    return _Header(1, 3, not (b1 & 1), bitrate, rate, 1 if b3 >> 6 == 3 else 2, length)


def id3_size(data: bytes) -> int:
    """Bytes of the ID3v2 tag at the start of `data` (0 when there is none)."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size = (data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F)
    return 10 + size + (10 if data[5] & 0x10 else 0)


def _info_offset(header: _Header) -> int:
    return 4 + (2 if header.protected else 0) + (SIDE_INFO_MONO if header.channels == 1 else 32)


def read_piece(path: Path, settings: Settings, name: str | None = None) -> Piece:
    """`path` as a run of frames, checked against `settings`; NotJoinable says why not.

    `name` is how the error names the file (default: its path).
    """
    name = name or str(path)
    data = Path(path).read_bytes()

    def refuse(why: str) -> NotJoinable:
        return NotJoinable(f"{name} cannot be joined without encoding it again: {why}")

    at = id3_size(data)
    first = _header(data, at)
    if first is None:
        raise refuse("no MPEG-1 Layer III frame after its ID3 tag")
    info = data[at : at + first.length]
    tag = _info_offset(first)
    if info[tag : tag + 4] not in (b"Info", b"Xing") or len(info) < tag + LAME_TAG + 36:
        raise refuse("no Xing/Info frame with a LAME tag (encoder delay and padding)")
    if info[tag : tag + 4] == b"Xing" or info[tag + 7] != 0x0F:
        raise refuse("not a constant-bitrate LAME file (its first frame is a Xing frame or lacks fields)")
    lame = tag + LAME_TAG
    gapless = int.from_bytes(info[lame + 21 : lame + 24], "big")
    delay, padding = gapless >> 12, gapless & 0xFFF
    crc = int.from_bytes(info[lame + 32 : lame + 34], "big")
    start = at + first.length
    frames, position, end = 0, start, len(data)
    if end - 128 >= start and data[end - 128 : end - 125] == b"TAG":
        end -= 128  # an ID3v1 tag
    expected: tuple[int, int, int] | None = None  # the first audio frame's header bytes that must not change
    lengths = (0, 0)  # a frame's length without and with its padding byte, once the first frame is read
    while position < end:
        if expected is not None and position + 4 <= end:
            # Fast path: a frame like the first (only its padding bit may differ) needs no full decoding.
            b1, b2, b3 = data[position + 1], data[position + 2], data[position + 3]
            if data[position] == 0xFF and b1 == expected[0] and b2 & 0xFD == expected[1] and b3 & 0xC0 == expected[2]:
                frames += 1
                position += lengths[(b2 >> 1) & 1]
                continue
        header = _header(data, position)
        if header is None:
            raise refuse(f"no frame header at byte {position}")
        found = Settings(header.sample_rate, header.channels, header.bitrate)
        if found != settings:
            raise refuse(f"encoded as {_said(found)}, the others as {_said(settings)}")
        if frames == 0:
            if _reservoir(data, position, header):
                raise refuse("its first audio frame reaches back into a bit reservoir")
            expected = (data[position + 1], data[position + 2] & 0xFD, data[position + 3] & 0xC0)
            unpadded = header.length - ((data[position + 2] >> 1) & 1)
            lengths = (unpadded, unpadded + 1)
        frames += 1
        position += header.length
    if position != end:
        raise refuse("its last frame is cut short")
    declared = int.from_bytes(info[tag + 8 : tag + 12], "big")
    if frames == 0 or declared != frames:
        raise refuse(f"its Info frame counts {declared} frames, the file holds {frames}")
    return Piece(Path(path), start, end, frames, delay, padding, crc, bytes(info))


def _said(settings: Settings) -> str:
    mode = "mono" if settings.channels == 1 else "stereo"
    return f"{settings.sample_rate} Hz {mode} {settings.bitrate} kbit/s"


def _reservoir(data: bytes, at: int, header: _Header) -> int:
    """The frame's ``main_data_begin``: how many bytes of earlier frames its audio starts in."""
    side = at + 4 + (2 if header.protected else 0)
    return data[side] << 1 | data[side + 1] >> 7


# ---------------------------------------------------------------- times


def starts(pieces: Sequence[Piece]) -> list[int]:
    """Where each piece's audio starts in the decoded joined file, in samples.

    The decoder trims the first piece's delay (and its own 529 samples); every later
    piece's delay, and every earlier piece's padding, is heard as near-silence.
    """
    out, frames = [], 0
    for piece in pieces:
        out.append(frames * SAMPLES_PER_FRAME + piece.delay - pieces[0].delay)
        frames += piece.frames
    return out


def total_samples(pieces: Sequence[Piece]) -> int:
    """Samples in the decoded joined file."""
    return sum(p.frames for p in pieces) * SAMPLES_PER_FRAME - pieces[0].delay - pieces[-1].padding


# ---------------------------------------------------------------- writing


def join(pieces: Sequence[Piece], out: BinaryIO, tag: bytes = b"") -> int:
    """Write `tag` (an ID3v2 tag), one Info frame for the whole, then every piece's audio frames.

    Reads one piece at a time. Returns the bytes written.
    """
    if not pieces:
        raise ValueError("nothing to join")  # a bug of ours: a full guide has pieces
    header = _header(pieces[0].info, 0)
    assert header is not None
    audio = sum(p.bytes for p in pieces)
    info = info_frame(pieces, header)
    out.write(tag)
    out.write(info)
    for piece in pieces:
        with open(piece.path, "rb") as handle:
            handle.seek(piece.start)
            out.write(handle.read(piece.bytes))
    return len(tag) + len(info) + audio


def info_frame(pieces: Sequence[Piece], header: _Header) -> bytes:
    """The first piece's Info frame, rewritten to describe all the pieces joined."""
    frame = bytearray(pieces[0].info)
    tag = _info_offset(header)
    lame = tag + LAME_TAG
    frames = sum(p.frames for p in pieces)
    size = len(frame) + sum(p.bytes for p in pieces)
    frame[tag + 8 : tag + 12] = frames.to_bytes(4, "big")
    frame[tag + 12 : tag + 16] = size.to_bytes(4, "big")
    frame[tag + 16 : tag + 116] = _toc(pieces, len(frame), size)
    frame[lame + 21 : lame + 24] = (pieces[0].delay << 12 | pieces[-1].padding).to_bytes(3, "big")
    frame[lame + 28 : lame + 32] = size.to_bytes(4, "big")
    music = 0
    for piece in pieces:
        music = crc16_combine(music, piece.crc, piece.bytes)
    frame[lame + 32 : lame + 34] = music.to_bytes(2, "big")
    _sign(frame, lame)
    return bytes(frame)


def _sign(frame: bytearray, lame: int) -> None:
    """Write :data:`LAME_VERSION` into the LAME tag at `lame` of the Info `frame`, then its tag CRC.

    The tag CRC covers the frame's first 190 bytes, itself zeroed (as LAME and ffmpeg compute it)."""
    frame[lame : lame + len(LAME_VERSION)] = LAME_VERSION
    frame[lame + 34 : lame + 36] = b"\0\0"
    frame[lame + 34 : lame + 36] = crc16(bytes(frame[:TAG_CRC_SPAN])).to_bytes(2, "big")


FFMPEG_VERSION_MARK = b"Lavc"
"""How ffmpeg's MP3 muxer starts the encoder string of the Info frame it writes (``Lavc63.1.``)."""


def sign_lame_tag(path: Path) -> bool:
    """Mark the Info frame ffmpeg wrote at the start of the MP3 `path` as LAME's, in place; whether it did.

    ffmpeg's muxer writes a LAME tag whose gapless fields hold the real encoder delay and padding
    (libmp3lame's 576 samples, and what the last frame was padded with: a file's frames × 1152 minus
    both is exactly the PCM encoded), but it names the encoder ``Lavc…``, and readers such as mutagen
    honour the gapless fields only behind ``LAME``: they would read every track 25-50 ms too long. The
    frames were made by LAME 3.100 (ffmpeg's libmp3lame), so the encoder string says so, as the joined
    full guide's does. Only the 9 bytes of the string and the tag CRC change; a file with no such
    frame (another muxer, ``-write_xing 0``) is left as it is."""
    with open(path, "r+b") as handle:
        at = id3_size(handle.read(10))
        handle.seek(at)
        data = handle.read(2 * 1441)  # the largest MPEG-1 Layer III frame, twice: the Info frame is in it
        header = _header(data, 0)
        if header is None or header.length > len(data):
            return False
        frame = bytearray(data[: header.length])
        tag = _info_offset(header)
        lame = tag + LAME_TAG
        if frame[tag : tag + 4] != b"Info" or len(frame) < lame + 36:
            return False
        if frame[lame : lame + 4] != FFMPEG_VERSION_MARK:
            return frame[lame : lame + 4] == LAME_VERSION[:4]  # LAME's already (a joined file)
        _sign(frame, lame)
        handle.seek(at)
        handle.write(frame[: lame + 36])
    return True


def _toc(pieces: Sequence[Piece], info: int, size: int) -> bytes:
    """The Xing seek table: for each percent of the frames, where that frame is, in 256ths of the file."""
    frames = sum(p.frames for p in pieces)
    table, first, offset, index = [], 0, info, 0
    for percent in range(100):
        wanted = percent * frames // 100
        while index < len(pieces) - 1 and wanted >= first + pieces[index].frames:
            first += pieces[index].frames
            offset += pieces[index].bytes
            index += 1
        piece = pieces[index]
        position = offset + (wanted - first) * piece.bytes // piece.frames
        table.append(min(255, position * 256 // size))
    return bytes(table)


# ---------------------------------------------------------------- CRC-16 (LAME's: polynomial 0x8005, reflected)


@functools.lru_cache(maxsize=1)
def _table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16 (ARC) of `data`, as LAME computes its tag and music CRCs."""
    table = _table()
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def _apply(matrix: Sequence[int], vector: int) -> int:
    out, bit = 0, 0
    while vector:
        if vector & 1:
            out ^= matrix[bit]
        vector >>= 1
        bit += 1
    return out


@functools.lru_cache(maxsize=1)
def _zero_powers() -> tuple[tuple[int, ...], ...]:
    """Matrices over GF(2) that advance a CRC by 1, 2, 4, … zero bytes."""
    one = tuple(crc16(b"\0", 1 << bit) for bit in range(16))
    powers = [one]
    for _ in range(40):
        last = powers[-1]
        powers.append(tuple(_apply(last, column) for column in last))
    return tuple(powers)


def crc16_combine(first: int, second: int, second_length: int) -> int:
    """CRC-16 of A followed by B, from CRC(A), CRC(B) and len(B), without reading either."""
    crc, power = first, 0
    while second_length:
        if second_length & 1:
            crc = _apply(_zero_powers()[power], crc)
        second_length >>= 1
        power += 1
    return crc ^ second
