"""A publish is all or nothing to a listener: killed after any upload or removal, against moto's S3 server with the
real client, the live site (manifest, pages, feeds, playlists and every file they name) is whole at every step."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from guide import builder
from guide.deploy.run import publish
from guide.settings import RunSettings

from .conftest import SMALL_SCRIPT
from .published_site import CONTENT_HASH, fixed_addresses, read_site, references
from .s3_standin import S3, s3, s3fs  # noqa: F401 - the fixture

GUIDE = "small-guide"
BASE_URL = "https://clinic.example/guides/small-guide"
DEST = "s3://clinic/guides"


class Killed(BaseException):
    """Stops a publish where it is, as a SIGKILL would: nothing of guide's catches it."""


@pytest.fixture
def project(small_build: Path, tmp_path: Path, registry) -> Path:
    """The small guide built with a base_url, so it has podcast feeds (its takes come from small_build's cache)."""
    root = tmp_path / "project"
    shutil.copytree(small_build, root)
    build(root, SMALL_SCRIPT + f"base_url: {BASE_URL}\n", registry)
    return root


def build(root: Path, script: str, registry) -> None:
    (root / "small.yaml").write_text(script, encoding="utf-8")
    settings = RunSettings.make(out=root / "out", cache=root / "cache", jobs=1)
    builder.build(root / "small.yaml", settings, registry=registry)


class Listener:
    """Reads the site as a browser or podcast app does, with an HTTP cache: a file is fetched again only when the
    server's ETag for it changed (what If-None-Match does), so reading the whole site after every step is cheap."""

    def __init__(self, s3: S3) -> None:
        self.s3 = s3
        self.seen: dict[tuple[str, str], bytes] = {}

    def get(self, address: str) -> bytes | None:
        key = f"clinic/guides/{address}"
        try:
            etag = self.s3.fs.call_s3("head_object", Bucket="clinic", Key=f"guides/{address}")["ETag"]
        except FileNotFoundError:
            return None
        if (address, etag) not in self.seen:
            self.s3.fs.invalidate_cache()  # s3fs's listing cache, not HTTP's: a new object may be missing from it
            self.seen[(address, etag)] = self.s3.fs.cat_file(key)
        return self.seen[(address, etag)]

    def problems(self, folder: Path) -> list[str]:
        """What is wrong with the live site now (:func:`read_site`)."""
        return read_site(self.get, fixed_addresses(folder), BASE_URL)


def publish_killed_after_each_step(listener: Listener, folder: Path, **options) -> list[str]:
    """Publish again and again, each run killed just after its first upload or removal (a run resumes where the
    one before stopped), reading the whole site after every step; the steps, in order."""
    steps: list[str] = []

    def after(line: str) -> None:
        problems = listener.problems(folder)
        assert problems == [], (line, problems)
        steps.append(line)
        raise Killed(line)

    for _ in range(300):  # a run that repeats a step instead of resuming would never end
        try:
            publish(folder, DEST, report=after, **options)
        except Killed:
            continue
        return steps
    pytest.fail(f"300 runs and the publish has not finished; the last steps: {steps[-3:]}")


def feed_items(s3: S3, lang: str) -> tuple[str, str]:
    """The feed's episode as an app sees it: (guid, enclosure URL)."""
    feed = s3.objects()[f"{lang}/feed.xml"].decode("utf-8")
    guid = re.search(r"<guid[^>]*>([^<]+)</guid>", feed).group(1)
    return guid, re.search(r'<enclosure url="([^"]+)"', feed).group(1)


def test_every_step_of_a_first_publish_and_of_a_change_is_a_whole_site(s3: S3, project: Path, registry) -> None:
    folder = project / "out" / GUIDE
    listener = Listener(s3)
    planned = publish(folder, DEST, dry_run=True).plan
    first = publish_killed_after_each_step(listener, folder)
    assert len(first) == len(planned.upload)  # killed after each upload in turn, the manifest last
    assert first[-1].startswith("uploaded manifest.json")
    assert Listener(s3).problems(folder) == []
    objects = s3.objects()
    for page in fixed_addresses(folder)[1:]:  # every page, feed and playlist names audio by its content
        named = references(page, objects[page], BASE_URL)
        assert named and all(CONTENT_HASH.search(name) for name in named), (page, named)
    before = {lang: feed_items(s3, lang) for lang in ("en", "ar")}
    old_answer = json.loads(objects["manifest.json"])["published"]["files"]["en/02-how-long.mp3"]["address"]

    build(
        project,
        SMALL_SCRIPT.replace("About four months.", "Usually about four months.") + f"base_url: {BASE_URL}\n",
        registry,
    )
    second = publish_killed_after_each_step(listener, folder)
    assert any(step.startswith("uploaded en/02-how-long.mp3") for step in second)
    assert second[-1].startswith("uploaded manifest.json")
    assert old_answer in s3.objects()  # a page loaded before may still play it: kept for the grace period
    assert feed_items(s3, "ar") == before["ar"]  # the Arabic audio did not change: same guid, same enclosure
    guid, enclosure = feed_items(s3, "en")
    assert guid != before["en"][0] and enclosure != before["en"][1]  # new English audio: a new episode to fetch

    third = publish_killed_after_each_step(listener, folder, grace_days=0)  # the grace period over: old versions go
    removed = [step.split()[-1] for step in third if step.startswith("removed old version ")]
    assert old_answer in removed and third[-1].startswith("uploaded manifest.json"), third
    assert old_answer not in s3.objects()
    assert Listener(s3).problems(folder) == []


def test_the_listener_s_check_sees_a_file_changed_in_place(s3: S3, project: Path) -> None:
    """What publishing before content addresses did (a new MP3 written over the old one): the check finds it."""
    folder = project / "out" / GUIDE
    publish(folder, DEST)
    manifest = json.loads(s3.objects()["manifest.json"])
    address = manifest["published"]["files"]["ar/00-intro.mp3"]["address"]
    s3.fs.pipe_file(f"clinic/guides/{address}", (folder / "ar/01-care.mp3").read_bytes())
    problems = Listener(s3).problems(folder)
    assert f"manifest.json names {address}: its bytes are not what the manifest says" in problems
    assert f"index.html names {address}: its bytes are not what its name says" in problems
    s3.fs.rm_file(f"clinic/guides/{address}")
    assert f"ar/playlist.m3u8 names {address}: not there" in Listener(s3).problems(folder)
