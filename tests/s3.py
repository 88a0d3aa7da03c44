"""A real S3 server on loopback for the object-store tests: moto's server mode, an HTTP server
speaking the S3 protocol (not the in-process mock), on a free port of 127.0.0.1, one per test
process. Each test gets its own prefix in the one bucket, so what it finds there is its own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from app.storage import LocalStore, Store
from app.storage.s3 import S3Store
from tests.support import free_port

BUCKET = "pressdesk-test"
KEYS = {"s3_access_key_id": "test-key", "s3_secret_access_key": "test-secret"}


@dataclass
class S3Server:
    endpoint: str
    server: ThreadedMotoServer

    def settings(self, prefix: str | None = None) -> dict[str, Any]:
        """Settings overrides pointing the app's store at this server, under a new prefix."""
        prefix = prefix or f"t-{uuid.uuid4().hex[:12]}"
        return {
            "storage_url": f"s3://{BUCKET}/{prefix}",
            "s3_endpoint_url": self.endpoint,
            "s3_region": "us-east-1",
            **KEYS,
        }

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["s3_access_key_id"],
            aws_secret_access_key=KEYS["s3_secret_access_key"],
        )


def start_s3() -> S3Server:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    found = S3Server(f"http://127.0.0.1:{port}", server)
    found.client().create_bucket(Bucket=BUCKET)
    return found


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")  # no credential lookups on EC2
    server = start_s3()
    yield server
    server.server.stop()


def everything_in(store: Store) -> list[str]:
    """All that the store holds, temporary names included: the folder's entries (hidden `.part`
    files too), or the keys under the bucket's prefix (`tmp/…` too), relative to it."""
    if isinstance(store, LocalStore):
        folder = store.directory
        return sorted(os.listdir(folder)) if folder.exists() else []
    assert isinstance(store, S3Store)
    root = f"{store.prefix}/"
    listed = store.client.list_objects_v2(Bucket=store.bucket, Prefix=root)
    return sorted(o["Key"][len(root) :] for o in listed.get("Contents", []))


def stored_bytes(store: Store, stored_name: str) -> bytes:
    with store.open(stored_name) as fh:
        return fh.read()
