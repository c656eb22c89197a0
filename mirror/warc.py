"""The mirror as a WARC file (ISO 28500), for web archives: one response record
per file, at its address under MIRROR_BASE_URL, written with warcio."""

import mimetypes
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TYPES = {".js": "text/javascript", ".xml": "application/xml", ".txt": "text/plain"}


def content_type(path: str) -> str:
    suffix = Path(path).suffix
    kind = TYPES.get(suffix) or mimetypes.guess_type(path)[0]
    kind = kind or "application/octet-stream"
    if kind.startswith("text/") or kind.endswith("xml") or kind.endswith("javascript"):
        kind += "; charset=utf-8"
    return kind


def write_warc(directory: Path, paths: list[str], base_url: str, target: Path) -> None:
    """Every file of the mirror in `paths`, gzipped record by record; written
    beside `target` and moved into place, so a reader never sees half a file."""
    temporary = target.with_name(f".{target.name}.tmp")
    with open(temporary, "wb") as output:
        writer = WARCWriter(output, gzip=str(target).endswith(".gz"))
        for path in paths:
            data = (directory / path).read_bytes()
            headers = StatusAndHeaders(
                "200 OK",
                [
                    ("Content-Type", content_type(path)),
                    ("Content-Length", str(len(data))),
                ],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                base_url + quote(path),
                "response",
                payload=BytesIO(data),
                length=len(data),
                http_headers=headers,
            )
            writer.write_record(record)
    temporary.replace(target)
