"""An S3 API on loopback for the storage tests (issue 28): moto's S3 server, in server mode.

The server runs in this process (moto.server.ThreadedMotoServer, a real HTTP server on a free
loopback port), so the app servers and the worker the process tests start reach it as they
would reach a provider's endpoint; nothing leaves 127.0.0.1. The test process itself talks to
it over HTTP too (no moto mocking of botocore), so what is proven is the wire protocol.
"""

import logging
import socket
import uuid
from dataclasses import dataclass

import boto3
import pytest
from django.core.files.storage import storages as storage_handler
from django.test import override_settings

from ntm.settings import s3_storages

REGION = "ap-southeast-1"
ACCESS_KEY = "ntm-test-access"  # moto takes any key pair; a provider's would come from _FILE
SECRET_KEY = "ntm-test-secret"  # noqa: S105


@dataclass
class S3Server:
    endpoint_url: str
    region: str = REGION
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def create_bucket(self) -> str:
        """A new empty bucket (a test's own), created as an operator would: private."""
        name = f"ntm-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.region}
        )
        return name

    def env(self, bucket: str) -> dict[str, str]:
        """The app's settings for `bucket`, as environment variables (.env.example)."""
        return {
            "NTM_S3_BUCKET": bucket,
            "NTM_S3_ENDPOINT_URL": self.endpoint_url,
            "NTM_S3_REGION": self.region,
            "NTM_S3_ACCESS_KEY_ID": self.access_key,
            "NTM_S3_SECRET_ACCESS_KEY": self.secret_key,
            "NTM_S3_ADDRESSING_STYLE": "path",
        }

    def storages(self, bucket: str) -> dict:
        """STORAGES for `bucket`, as ntm/settings.py builds them from the variables above."""
        from django.conf import settings

        return settings.STORAGES | s3_storages(
            bucket,
            endpoint_url=self.endpoint_url,
            region=self.region,
            access_key=self.access_key,
            secret_key=self.secret_key,
            addressing_style="path",
        )

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port, for the whole session."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(endpoint_url=f"http://127.0.0.1:{port}")
    finally:
        server.stop()


@pytest.fixture
def s3(s3_server, monkeypatch):
    """A test's own bucket, and STORAGES pointing `default` and `reports` at it (the storage
    handlers are made anew, as in a process started with NTM_S3_BUCKET set). The credentials
    are the settings' own: none from this machine's environment."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    bucket = s3_server.create_bucket()
    with override_settings(STORAGES=s3_server.storages(bucket)):
        assert type(storage_handler["default"]).__name__ == "S3Storage"
        yield S3Bucket(server=s3_server, name=bucket)


@dataclass
class S3Bucket:
    server: S3Server
    name: str

    def names(self) -> list[str]:
        """The keys of every object in the bucket, sorted."""
        return self.server.keys(self.name)

    def body(self, key: str) -> bytes:
        return self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read()
