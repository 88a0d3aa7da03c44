"""Uploaded files in an S3-compatible object store (`STORAGE_URL=s3://bucket/prefix`, with
`S3_ENDPOINT_URL`, `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY`, `S3_REGION`), through boto3.

Keys: `<prefix>/<name>` for a stored file, `<prefix>/tmp/<name>` while it waits for its row.

Receiving: the upload is first copied into a local temporary file (deleted on close) while it is
counted, hashed and sniffed, and only a file that passed is sent, in one PUT, to its temporary
key. A refused file (too large, not what its name says) never reaches the bucket at all, and
nothing is left half-written there: a multipart upload would put parts in the bucket before
the file was checked, to be aborted (and swept when the process dies). Uploads are capped at
`UPLOAD_MAX_BYTES` (25 MB by default), far below the 5 GB a single PUT or copy may carry.

Made final: a server-side copy to the final key, then the temporary key is deleted, just before
the row commits. A failure removes both; a process killed in between leaves a temporary key (or
a final key without a row), which `app.sweep` removes after an hour.

Downloads are streamed through the application in 1 MiB chunks, with the same headers as the
local folder's (an attachment, nosniff, sandboxed, never stored by caches): a presigned URL
would hand those headers to the object store and a bucket's own settings.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import UTC
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from starlette.responses import Response, StreamingResponse

from app.errors import NotFound
from app.storage.files import (
    CHUNK,
    STORED,
    check_name,
    check_stored_name,
    copy_checked,
    download_headers,
    new_name,
)
from app.storage.store import Entry, PendingFile, Store

MISSING = {"404", "NoSuchKey", "NotFound"}
READY_TIMEOUT_SECONDS = 2.0


def parse_url(url: str) -> tuple[str, str]:
    """`s3://bucket/prefix` → (bucket, prefix without slashes at either end)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("STORAGE_URL must look like s3://bucket/prefix")
    return parts.netloc, parts.path.strip("/")


def _missing(exc: ClientError) -> bool:
    return str(exc.response.get("Error", {}).get("Code", "")) in MISSING


class S3Store(Store):
    def __init__(
        self,
        url: str,
        *,
        endpoint_url: str = "",
        access_key_id: str = "",
        secret_access_key: str = "",
        region: str = "",
    ) -> None:
        self.bucket, self.prefix = parse_url(url)
        self.location = f"s3://{self.bucket}/{self.prefix}".rstrip("/")
        options: dict[str, Any] = {
            "endpoint_url": endpoint_url or None,
            "aws_access_key_id": access_key_id or None,
            "aws_secret_access_key": secret_access_key or None,
            "region_name": region or None,
        }
        # Path-style addresses work with MinIO and other S3-compatible servers on any host name.
        # Checksums only where the protocol requires them: since boto3 1.36 every request would
        # carry AWS's newer `x-amz-checksum-*` headers, which several S3-compatible servers
        # refuse; the files' own SHA-256 is checked by us anyway.
        common: dict[str, Any] = {
            "s3": {"addressing_style": "path"} if endpoint_url else {},
            "request_checksum_calculation": "when_required",
            "response_checksum_validation": "when_required",
        }
        session = boto3.session.Session()
        self.client = session.client(
            "s3",
            config=Config(
                connect_timeout=5, read_timeout=60, retries={"max_attempts": 3}, **common
            ),
            **options,
        )
        # Readiness gives up quickly and does not retry: a store away is "failed" within seconds.
        self.probe_client = session.client(
            "s3",
            config=Config(
                connect_timeout=READY_TIMEOUT_SECONDS,
                read_timeout=READY_TIMEOUT_SECONDS,
                retries={"max_attempts": 1, "mode": "standard"},
                **common,
            ),
            **options,
        )

    def _root(self) -> str:
        return f"{self.prefix}/" if self.prefix else ""

    def key(self, stored_name: str) -> str:
        return self._root() + check_stored_name(stored_name)

    def temp_key(self, stored_name: str) -> str:
        return f"{self._root()}tmp/{check_stored_name(stored_name)}"

    def receive(self, source: BinaryIO, name: str, *, max_bytes: int) -> PendingFile:
        filename, ext = check_name(name)
        stored_name = new_name()
        with tempfile.TemporaryFile() as local:
            size, sha256, content_type = copy_checked(
                source, cast(BinaryIO, local), filename=filename, ext=ext, max_bytes=max_bytes
            )
            local.seek(0)
            # Stored as bytes, never as something a browser would render if the bucket were
            # ever reached directly; the app sends the real type with its download headers.
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.temp_key(stored_name),
                Body=local,
                ContentLength=size,
                ContentType="application/octet-stream",
                ContentDisposition="attachment",
            )
        return PendingFile(self, stored_name, filename, content_type, size, sha256)

    def make_final(self, stored_name: str) -> None:
        temp = self.temp_key(stored_name)
        self.client.copy_object(
            Bucket=self.bucket,
            Key=self.key(stored_name),
            CopySource={"Bucket": self.bucket, "Key": temp},
        )
        self.client.delete_object(Bucket=self.bucket, Key=temp)

    def discard(self, stored_name: str) -> None:
        # Two plain DELETEs (deleting a missing key succeeds): DeleteObjects needs a checksum
        # header that not every S3-compatible server takes.
        for key in (self.temp_key(stored_name), self.key(stored_name)):
            self.client.delete_object(Bucket=self.bucket, Key=key)

    def delete(self, stored_name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.key(stored_name))

    def exists(self, stored_name: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(stored_name))
        except ClientError as exc:
            if _missing(exc):
                return False
            raise
        return True

    def _get(self, stored_name: str) -> dict[str, Any]:
        try:
            return cast(
                dict[str, Any],
                self.client.get_object(Bucket=self.bucket, Key=self.key(stored_name)),
            )
        except ClientError as exc:
            if _missing(exc):
                raise FileNotFoundError(self.key(stored_name)) from exc
            raise

    def open(self, stored_name: str) -> BinaryIO:
        return cast(BinaryIO, self._get(stored_name)["Body"])

    def download(self, stored_name: str, *, filename: str, content_type: str) -> Response:
        try:
            got = self._get(stored_name)
        except FileNotFoundError as exc:
            raise NotFound() from exc
        body = got["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(CHUNK)
            finally:
                body.close()

        headers = download_headers(filename) | {"Content-Length": str(got["ContentLength"])}
        return StreamingResponse(chunks(), media_type=content_type, headers=headers)

    def entries(self) -> Iterator[Entry]:
        root = self._root()
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=root
        )
        for page in pages:
            for obj in page.get("Contents", []):
                rest = obj["Key"][len(root) :]
                temp = rest.startswith("tmp/")
                name = rest[4:] if temp else rest
                if STORED.fullmatch(name):
                    modified = obj["LastModified"].astimezone(UTC)
                    yield Entry(name, temp, modified, f"s3://{self.bucket}/{obj['Key']}")

    def remove(self, entry: Entry) -> None:
        key = entry.location.removeprefix(f"s3://{self.bucket}/")
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def ready(self) -> bool:
        """A probe object written and removed under a temporary key (swept if it stays)."""
        key = self.temp_key(new_name())
        try:
            self.probe_client.put_object(Bucket=self.bucket, Key=key, Body=b"")
            self.probe_client.delete_object(Bucket=self.bucket, Key=key)
        except (BotoCoreError, ClientError):
            return False
        return True

    def close(self) -> None:
        for client in (self.client, self.probe_client):
            with contextlib.suppress(Exception):
                client.close()
