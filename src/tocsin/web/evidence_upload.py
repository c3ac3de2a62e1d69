"""A multipart evidence upload, read as it streams: the file part goes straight into the
locker's temporary file (hashed and counted on the way), so an upload past the size limit is
stopped there and leaves nothing behind; the small text fields are kept in memory.

The form: one file part (any field name; the first part with a ``filename``) and text fields
(``description``, and ``csrf_token`` for the web UI, which must come before the file).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from fastapi import Request
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from tocsin.domain.errors import InvalidInput
from tocsin.services.security.evidence_ports import Receiver, Staged, TooLarge

MAX_FIELD = 16 * 1024
MAX_FIELDS = 20
FORM_OVERHEAD = 64 * 1024  # boundaries, part headers and text fields around the file


@dataclass
class Upload:
    staged: Staged
    filename: str
    content_type: str
    fields: Mapping[str, str]


@dataclass
class _Part:
    headers: dict[str, bytes] = field(default_factory=dict)
    header_name: bytes = b""
    header_value: bytes = b""
    name: str = ""
    filename: str | None = None
    content_type: str = ""
    data: bytearray = field(default_factory=bytearray)


class _Reader:
    def __init__(self, open_file: Callable[[Mapping[str, str]], Receiver]) -> None:
        self.open_file = open_file
        self.fields: dict[str, str] = {}
        self.part = _Part()
        self.receiver: Receiver | None = None
        self.file: _Part | None = None
        self.pending: list[bytes] = []
        self.ended = False

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.begin,
            "on_header_field": lambda d, s, e: self._header("header_name", d[s:e]),
            "on_header_value": lambda d, s, e: self._header("header_value", d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_done,
            "on_part_data": self.data,
            "on_part_end": self.end,
            "on_end": self.finish,
        }

    def _header(self, which: str, piece: bytes) -> None:
        setattr(self.part, which, getattr(self.part, which) + piece)
        if len(self.part.header_name) + len(self.part.header_value) > MAX_FIELD:
            raise InvalidInput("body: a multipart header is too long")

    def begin(self) -> None:
        self.part = _Part()

    def header_end(self) -> None:
        self.part.headers[self.part.header_name.decode("latin-1").lower()] = self.part.header_value
        self.part.header_name = self.part.header_value = b""

    def headers_done(self) -> None:
        _, options = parse_options_header(self.part.headers.get("content-disposition", b"").decode("latin-1"))
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            self.part.filename = options[b"filename"].decode("utf-8", "replace")
            self.part.content_type = self.part.headers.get("content-type", b"").decode("latin-1")[:200]
            if self.file is not None:
                raise InvalidInput("file: send one file per upload")
            self.file = self.part
            self.receiver = self.open_file(self.fields)

    def data(self, chunk: bytes, start: int, end: int) -> None:
        if self.part is self.file:
            self.pending.append(chunk[start:end])
            return
        self.part.data += chunk[start:end]
        if len(self.part.data) > MAX_FIELD:
            raise InvalidInput(f"{self.part.name or 'field'}: longer than {MAX_FIELD} bytes")

    def end(self) -> None:
        if self.part is not self.file and self.part.name:
            if len(self.fields) >= MAX_FIELDS:
                raise InvalidInput("body: too many form fields")
            self.fields[self.part.name] = self.part.data.decode("utf-8", "replace")

    def finish(self) -> None:
        self.ended = True

    def flush(self) -> None:
        pending, self.pending = self.pending, []
        if self.receiver is not None:
            for piece in pending:
                self.receiver.write(piece)


async def receive_upload(
    request: Request, open_file: Callable[[Mapping[str, str]], Receiver], limit: int
) -> Upload:
    """Read the form; ``open_file(fields so far)`` is called when the file part begins (it may
    refuse, e.g. a missing CSRF token). ``TooLarge`` past ``limit`` bytes of file, with nothing
    left on disk; ``InvalidInput`` for a form without a file or a malformed one."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_OVERHEAD:
        raise TooLarge(limit)
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise InvalidInput("body: send the evidence as multipart/form-data with a file field")
    reader = _Reader(open_file)
    try:
        file, staged = await _pump(request, reader, MultipartParser(boundary, reader.callbacks()))  # type: ignore[arg-type]
    except BaseException as exc:
        if reader.receiver is not None:
            reader.receiver.abort()
        if isinstance(exc, MultipartParseError):
            raise InvalidInput(f"body: not a valid multipart form ({exc})") from None
        raise
    return Upload(staged, file.filename or "", file.content_type, reader.fields)


async def _pump(request: Request, reader: _Reader, parser: MultipartParser) -> tuple[_Part, Staged]:
    async for chunk in request.stream():
        parser.write(chunk)
        if reader.pending:
            await run_in_threadpool(reader.flush)
    parser.finalize()
    if reader.file is None or reader.receiver is None:
        raise InvalidInput("file: choose a file to upload")
    if not reader.ended:
        raise InvalidInput("body: the multipart form ended early")
    return reader.file, await run_in_threadpool(reader.receiver.finish)
