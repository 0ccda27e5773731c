"""The blob store's contract, run against every implementation: the in-memory fake, PostgreSQL
(`eventlog.blobs`, append-only as the log is), and an S3-compatible server (moto's, run as a
process of its own on the loopback, spoken to over HTTP as MinIO would be)."""

from __future__ import annotations

import subprocess
import sys
import uuid

import psycopg2
import pytest

from eventlog.blobs import (
    CHUNK,
    BlobMissing,
    InMemoryBlobStore,
    PostgresBlobStore,
    S3BlobStore,
    from_env,
    sha256_of,
)
from tests.support import free_port, wait_for

BUCKET = "taizhang-test"
KEYS = {"TAIZHANG_S3_ACCESS_KEY": "test", "TAIZHANG_S3_SECRET_KEY": "test-secret"}


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3 server in a process of its own; its address and a bucket in it."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    settings = {
        **KEYS,
        "TAIZHANG_BLOB_STORE": "s3",
        "TAIZHANG_S3_ENDPOINT": f"http://127.0.0.1:{port}",
        "TAIZHANG_S3_BUCKET": BUCKET,
    }
    try:
        store = S3BlobStore.connect(settings)
        wait_for(lambda: store.client.create_bucket(Bucket=BUCKET), 30, "moto's S3 server",
                 retrying=(Exception,))  # fmt: skip
        yield settings
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(
    params=[
        "memory",
        pytest.param("postgresql", marks=pytest.mark.servers),
        pytest.param("s3", marks=pytest.mark.servers),  # a server of the test's own
    ]
)
def blobs(request):
    if request.param == "memory":
        return InMemoryBlobStore()
    if request.param == "postgresql":
        return PostgresBlobStore(request.getfixturevalue("db"))
    return from_env(None, request.getfixturevalue("s3_server"))


def unique(size: int = 100) -> bytes:
    """Bytes no other test stored (the stores outlive a test)."""
    return uuid.uuid4().bytes * (size // 16 + 1)


def test_bytes_put_are_got_back_by_their_hash(blobs):
    content = unique()
    digest = blobs.put(content)
    assert digest == sha256_of(content)
    assert blobs.exists(digest) and blobs.get(digest) == content


def test_the_same_bytes_are_one_blob(blobs):
    content = unique()
    assert blobs.put(content) == blobs.put(content)
    assert blobs.get(sha256_of(content)) == content


def test_a_hash_never_stored_is_missing(blobs):
    digest = sha256_of(unique())
    assert not blobs.exists(digest)
    with pytest.raises(BlobMissing):
        blobs.get(digest)
    with pytest.raises(BlobMissing):
        list(blobs.stream(digest))


def test_a_large_blob_streams_in_chunks(blobs):
    content = unique(2 * CHUNK + 1000)
    digest = blobs.put(content)
    chunks = list(blobs.stream(digest))
    assert len(chunks) >= 3 and all(len(chunk) <= CHUNK for chunk in chunks)
    assert b"".join(chunks) == content


def test_postgresql_keeps_blobs_append_only_and_checks_their_hash(db, settings):
    digest = PostgresBlobStore(db).put(unique())
    for statement in (
        "UPDATE eventlog.blobs SET content = 'x' WHERE sha256 = %s",
        "DELETE FROM eventlog.blobs WHERE sha256 = %s",
    ):
        for url in (settings.database_url, settings.admin_database_url):  # the owner too
            with pytest.raises(psycopg2.Error), psycopg2.connect(url) as conn:
                conn.cursor().execute(statement, (digest,))
    with pytest.raises(psycopg2.errors.CheckViolation):
        db.execute(
            "INSERT INTO eventlog.blobs (sha256, size, content) VALUES (%s, 1, 'a')", ("0" * 64,)
        )


def test_the_environment_names_the_store(db):
    assert isinstance(from_env(db, {}), PostgresBlobStore)
    with pytest.raises(RuntimeError, match="TAIZHANG_S3_BUCKET"):
        from_env(db, {"TAIZHANG_BLOB_STORE": "s3"})
    with pytest.raises(RuntimeError, match="one of postgresql, s3"):
        from_env(db, {"TAIZHANG_BLOB_STORE": "disk"})
