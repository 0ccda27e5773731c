"""Files the log's events name by their content: a content-addressed, append-only blob store.

An event never carries a file's bytes; it names the file by the SHA-256 of its content (hex), and
the bytes are kept here, once however often they are attached. A store only adds: the same bytes
put again are the same blob, and nothing is ever changed or removed, so an event that names a
hash names the same bytes for ever, and a read model rebuilt from the log finds every file it
names. A blob that no event names (its command refused after the bytes were stored) is harmless.

Three implementations of one port: PostgreSQL (the default: `eventlog.blobs`, append-only like
the log, created by `taizhang migrate`), an S3-compatible object store (MinIO, Ceph, AWS S3) for
larger deployments, and an in-memory fake for the tests of the code that uses it. `from_env`
picks one from TAIZHANG_BLOB_STORE.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from eventlog.db import Database

CHUNK = 1024 * 1024  # bytes a stream yields at a time


class BlobMissing(LookupError):
    """No blob of that hash is stored."""


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class BlobStore(Protocol):
    def put(self, content: bytes) -> str:
        """Stores the bytes (once) and answers their SHA-256, hex."""

    def get(self, sha256: str) -> bytes:
        """The bytes; BlobMissing if none are stored under the hash."""

    def stream(self, sha256: str) -> Iterator[bytes]:
        """The bytes in chunks, without holding them whole; BlobMissing before the first."""

    def exists(self, sha256: str) -> bool: ...


class InMemoryBlobStore:
    """The fake: a dict, for tests of the code that stores and reads files."""

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, content: bytes) -> str:
        digest = sha256_of(content)
        self.blobs.setdefault(digest, bytes(content))
        return digest

    def get(self, sha256: str) -> bytes:
        if sha256 not in self.blobs:
            raise BlobMissing(sha256)
        return self.blobs[sha256]

    def stream(self, sha256: str) -> Iterator[bytes]:
        content = self.get(sha256)
        return iter([content[at : at + CHUNK] for at in range(0, len(content), CHUNK)] or [b""])

    def exists(self, sha256: str) -> bool:
        return sha256 in self.blobs


class PostgresBlobStore:
    """`eventlog.blobs`: one row a blob, its hash the key. The table checks that the key is the
    content's hash, and refuses UPDATE, DELETE and TRUNCATE as the log does (schema.sql)."""

    def __init__(self, db: Database):
        self.db = db

    def put(self, content: bytes) -> str:
        digest = sha256_of(content)
        with self.db.statement() as cur:  # one INSERT: atomic on its own
            cur.execute(
                "INSERT INTO eventlog.blobs (sha256, size, content) VALUES (%s, %s, %s)"
                " ON CONFLICT (sha256) DO NOTHING",
                (digest, len(content), content),
            )
        return digest

    def get(self, sha256: str) -> bytes:
        row = self.db.fetch_one("SELECT content FROM eventlog.blobs WHERE sha256 = %s", (sha256,))
        if row is None:
            raise BlobMissing(sha256)
        return bytes(row["content"])

    def stream(self, sha256: str) -> Iterator[bytes]:
        """A chunk a statement: the content is stored uncompressed (STORAGE EXTERNAL), so
        PostgreSQL reads only the slice asked for, never the whole file for each chunk."""
        row = self.db.fetch_one("SELECT size FROM eventlog.blobs WHERE sha256 = %s", (sha256,))
        if row is None:
            raise BlobMissing(sha256)
        return self._chunks(sha256, row["size"])

    def _chunks(self, sha256: str, size: int) -> Iterator[bytes]:
        for at in range(0, max(size, 1), CHUNK):
            chunk = self.db.fetch_one(
                "SELECT substring(content FROM %s FOR %s) AS part FROM eventlog.blobs"
                " WHERE sha256 = %s",
                (at + 1, CHUNK, sha256),
            )
            yield bytes(chunk["part"]) if chunk else b""

    def exists(self, sha256: str) -> bool:
        found = self.db.fetch_one("SELECT 1 AS n FROM eventlog.blobs WHERE sha256 = %s", (sha256,))
        return found is not None


class S3BlobStore:
    """A bucket of an S3-compatible store, a blob an object named `<prefix><sha256>`. Objects
    are only ever written under their own hash, and never deleted: keep the bucket's
    credentials to put and get (no delete), and turn on versioning or object lock to have the
    store refuse changes as the PostgreSQL one does."""

    def __init__(self, client: Any, bucket: str, prefix: str = "blobs/"):
        self.client, self.bucket, self.prefix = client, bucket, prefix

    @classmethod
    def connect(cls, settings: Mapping[str, str]) -> S3BlobStore:
        import boto3  # only when the store is S3: a large import the others do without
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=settings.get("TAIZHANG_S3_ENDPOINT") or None,
            region_name=settings.get("TAIZHANG_S3_REGION") or "us-east-1",
            aws_access_key_id=settings.get("TAIZHANG_S3_ACCESS_KEY"),
            aws_secret_access_key=settings.get("TAIZHANG_S3_SECRET_KEY"),
            # Path-style addresses (endpoint/bucket/key): what MinIO and Ceph serve by default.
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 3}),
        )
        prefix = settings.get("TAIZHANG_S3_PREFIX") or "blobs/"
        return cls(client, settings["TAIZHANG_S3_BUCKET"], prefix)

    def _key(self, sha256: str) -> str:
        return self.prefix + sha256

    def put(self, content: bytes) -> str:
        digest = sha256_of(content)
        if not self.exists(digest):  # the same bytes are the same object: not sent again
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(digest),
                Body=content,
                # The store checks what it received against the hash it is named by.
                ChecksumSHA256=base64.b64encode(bytes.fromhex(digest)).decode(),
            )
        return digest

    def get(self, sha256: str) -> bytes:
        return b"".join(self.stream(sha256))

    def stream(self, sha256: str) -> Iterator[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(sha256))
        except self.client.exceptions.NoSuchKey:
            raise BlobMissing(sha256) from None
        return answer["Body"].iter_chunks(CHUNK)

    def exists(self, sha256: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(sha256))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


STORES = ("postgresql", "s3")


def from_env(db: Database, environ: Mapping[str, str] | None = None) -> BlobStore:
    """The store TAIZHANG_BLOB_STORE names: `postgresql` (the default: the log's database) or
    `s3` (TAIZHANG_S3_ENDPOINT, _BUCKET, _ACCESS_KEY, _SECRET_KEY, _REGION, _PREFIX)."""
    settings = os.environ if environ is None else environ
    kind = settings.get("TAIZHANG_BLOB_STORE") or "postgresql"
    if kind == "postgresql":
        return PostgresBlobStore(db)
    if kind == "s3":
        if not settings.get("TAIZHANG_S3_BUCKET"):
            raise RuntimeError("TAIZHANG_BLOB_STORE=s3 needs TAIZHANG_S3_BUCKET (and the endpoint)")
        return S3BlobStore.connect(settings)
    raise RuntimeError(f"TAIZHANG_BLOB_STORE={kind!r}: one of {', '.join(STORES)}")
