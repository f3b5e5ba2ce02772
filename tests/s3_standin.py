"""moto's S3 server on a free loopback port, with the environment the real S3 clients (s3fs, botocore) read:
the stand-in for object storage in guide publish's and the shared take cache's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

s3fs = pytest.importorskip("s3fs", reason="s3fs is in the [test] extra")
moto_server = pytest.importorskip("moto.server", reason="moto[server] is in the [test] extra")


class S3:
    """moto's S3 server on a free loopback port, with the environment the real client reads."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        for name, value in {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            monkeypatch.setenv(name, value)
        import requests

        requests.post(f"{self.endpoint}/moto-api/reset", timeout=10).raise_for_status()  # moto keeps state per process
        s3fs.S3FileSystem.clear_instance_cache()
        self.fs = s3fs.S3FileSystem(skip_instance_cache=True)
        self.fs.mkdir("clinic")

    def objects(self, prefix: str = "guides") -> dict[str, bytes]:
        """Every object under ``clinic/<prefix>/``, by its path below that."""
        self.fs.invalidate_cache()
        return {path.split("/", 2)[2]: self.fs.cat_file(path) for path in self.fs.find(f"clinic/{prefix}")}

    def head(self, relative: str) -> dict:
        return self.fs.call_s3("head_object", Bucket="clinic", Key=f"guides/{relative}")


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3]:
    server = S3(monkeypatch)
    yield server
    server.server.stop()
    s3fs.S3FileSystem.clear_instance_cache()
