"""MP4/MOV durations from the mvhd box, without reading the file."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pytest

from langchain_gemini_vision.media._video_probe import probe_duration
from langchain_gemini_vision.testing.samples import make_mp4
from tests._webm_support import UNKNOWN_SIZE, ebml, make_webm


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mvhd_v1(timescale: int, duration: int) -> bytes:
    return box(b"mvhd", b"\x01\x00\x00\x00" + struct.pack(">QQIQ", 0, 0, timescale, duration))


class CountingReader(io.FileIO):
    """A file that counts the bytes read from it (seeks are free)."""

    read_bytes = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.read_bytes += len(data)
        return data


def probe_sparse(path: Path, head: bytes, gap: int, tail: bytes) -> tuple[float | None, int]:
    """Probe a file of ``head``, ``gap`` unwritten (sparse) bytes and ``tail``.

    Returns:
        The duration and the number of bytes the probe read.
    """
    with path.open("wb") as handle:
        handle.write(head)
        handle.seek(gap, io.SEEK_CUR)  # sparse: never written, never read
        handle.write(tail)
    with CountingReader(path, "rb") as reader:
        return probe_duration(reader), reader.read_bytes


@pytest.mark.parametrize(
    ("data", "seconds", "name"),
    [
        (make_mp4(42.5), 42.5, "clip.mp4"),
        (make_webm(95.25, size_bytes=100_000), 95.25, "talk.webm"),
        (make_webm(95.25, doc_type="matroska"), 95.25, "talk.mkv"),
    ],
)
def test_bytes_path_and_stream(tmp_path: Path, data: bytes, seconds: float, name: str) -> None:
    assert probe_duration(data) == pytest.approx(seconds)
    path = tmp_path / name
    path.write_bytes(data)
    assert probe_duration(path) == pytest.approx(seconds)
    stream = io.BytesIO(data)
    stream.seek(7)
    assert probe_duration(stream) == pytest.approx(seconds)
    assert stream.tell() == 7  # position restored


def test_moov_after_a_large_mdat_is_found_by_seeking(tmp_path: Path) -> None:
    ftyp = box(b"ftyp", b"qt  \x00\x00\x00\x00qt  ")
    mdat_header = struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", 16 + 50_000_000)
    moov = box(b"moov", mvhd_v1(600, 600 * 3 * 3600))
    seconds, read = probe_sparse(tmp_path / "long.mov", ftyp + mdat_header, 50_000_000, moov)
    assert seconds == pytest.approx(3 * 3600)
    assert read < 200


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a video at all",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        box(b"ftyp", b"isom") + box(b"moov", b""),  # no mvhd
        box(b"ftyp", b"isom") + box(b"moov", mvhd_v1(1000, 0)),  # unknown duration
        box(b"ftyp", b"isom") + box(b"moov", mvhd_v1(0, 5)),  # zero timescale
        box(b"ftyp", b"isom") + struct.pack(">I", 400) + b"moov",  # truncated
    ],
)
def test_unknown_gives_none(data: bytes) -> None:
    assert probe_duration(data) is None


def test_fragmented_mp4_uses_mehd() -> None:
    mvhd = box(b"mvhd", b"\x00\x00\x00\x00" + struct.pack(">IIII", 0, 0, 1000, 0))
    mehd = box(b"mehd", b"\x00\x00\x00\x00" + struct.pack(">I", 12_000))
    data = box(b"ftyp", b"iso5") + box(b"moov", mvhd + box(b"mvex", mehd))
    assert probe_duration(data) == pytest.approx(12.0)


def test_missing_file_gives_none(tmp_path: Path) -> None:
    assert probe_duration(tmp_path / "nope.mp4") is None


# --- WebM / Matroska (EBML) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "seconds"),
    [
        ({}, 7200.0),  # default TimecodeScale (1 ms), 8-byte float
        ({"float_bytes": 4}, 7200.0),
        ({"timecode_scale": 1000}, 7200.0),  # microsecond ticks
        ({"timecode_scale": 1_000_000_000}, 7200.0),  # one-second ticks
        ({"doc_type": "matroska"}, 7200.0),
        ({"unknown_segment_size": True}, 7200.0),  # a streamed muxer's Segment
        ({"before_info": ebml(0x114D9B74, b"\x00" * 40) + ebml(0xEC, b"\x00" * 300)}, 7200.0),
    ],
)
def test_webm_and_mkv_durations(kwargs: dict[str, object], seconds: float) -> None:
    data = make_webm(seconds, **kwargs)  # type: ignore[arg-type]
    assert probe_duration(data) == pytest.approx(seconds, rel=1e-6)


def test_webm_probe_reads_only_headers_past_a_large_element(tmp_path: Path) -> None:
    full = make_webm(3 * 3600.0)
    segment_at = full.index(b"\x18\x53\x80\x67")
    header, info_and_rest = full[:segment_at], full[segment_at + 12 :]
    void = b"\xec" + (0x01 << 56 | 50_000_000).to_bytes(8, "big")  # a 50 MB Void element
    head = header + b"\x18\x53\x80\x67" + UNKNOWN_SIZE + void
    seconds, read = probe_sparse(tmp_path / "big.mkv", head, 50_000_000, info_and_rest)
    assert seconds == pytest.approx(3 * 3600)
    assert read < 300


@pytest.mark.parametrize(
    "data",
    [
        make_webm(None),  # a live recording: no Duration
        make_webm(60.0)[:40],  # truncated before the Segment
        make_webm(60.0)[:-30],  # truncated inside Info
        make_webm(0.0),
        # Media data (a Cluster) before Info: the header region is over.
        make_webm(60.0, before_info=ebml(0x1F43B675, b"\x00" * 16)),
        # An Info too large to be a header is not read.
        make_webm(60.0, before_info=b"\x15\x49\xa9\x66" + (0x01 << 56 | 10**9).to_bytes(8, "big")),
        b"\x1a\x45\xdf\xa3\x00",  # an invalid size vint
        b"\x1a\x45\xdf\xa3" + UNKNOWN_SIZE,  # an EBML header of unknown size
    ],
)
def test_webm_unknown_gives_none(data: bytes) -> None:
    assert probe_duration(data) is None
