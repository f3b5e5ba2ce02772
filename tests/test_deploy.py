"""guide publish against real storage: moto's S3 server on 127.0.0.1 with the real s3fs client, and file://."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from guide.cli import main
from guide.deploy.headers import headers_for
from guide.deploy.run import PublishError, publish
from guide.errors import InputError
from guide.settings import RunSettings
from guide.storage import MissingExtra, open_remote

from .conftest import SMALL_SCRIPT
from .published_site import fixed_addresses, read_site
from .s3_standin import S3, moto_server, s3, s3fs  # noqa: F401 - the fixture

GUIDE = "small-guide"


@pytest.fixture
def built(small_build: Path, tmp_path: Path) -> Path:
    """A copy of the small guide's build: ``small.yaml`` and ``out/`` side by side."""
    shutil.copytree(small_build, tmp_path / "project")
    return tmp_path / "project"


def run(project: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["publish", str(project / "small.yaml"), *args, "--out", str(project / "out")])


def local_files(project: Path) -> set[str]:
    folder = project / "out" / GUIDE
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")}


def address_of(manifest: bytes, path: str) -> str:
    """Where the published manifest says `path`'s content is."""
    return json.loads(manifest)["published"]["files"][path]["address"]


def s3_site_is_whole(s3: S3, project: Path) -> None:
    objects = s3.objects()
    assert read_site(objects.get, fixed_addresses(project / "out" / GUIDE), None) == []
    named = json.loads(objects["manifest.json"])["published"]["files"]
    assert set(named) == local_files(project) - {"manifest.json"}


def test_publish_twice_the_second_uploads_nothing(s3: S3, built: Path) -> None:
    first = run(built, "s3://clinic/guides")
    assert first.exit_code == 0, first.output
    s3_site_is_whole(s3, built)
    count = len(local_files(built)) - 1  # the manifest is said apart
    assert f"{count} of {count} files uploaded" in first.output and "then the manifest" in first.output
    lines = [line for line in first.output.splitlines() if line.startswith("uploaded ")]
    assert lines[-1].startswith("uploaded manifest.json")
    kinds = [line.split()[1].rsplit(".", 1)[-1] for line in lines]
    assert kinds.index("html") > max(i for i, k in enumerate(kinds) if k == "mp3")  # pages after the media they name
    second = run(built, "s3://clinic/guides")
    assert second.exit_code == 0, second.output
    assert f"up to date: {count} of {count} files unchanged, nothing uploaded" in second.output
    assert not [line for line in second.output.splitlines() if line.startswith("uploaded ")]


@pytest.mark.parametrize("name", ["en/01-care.mp3", "en/01-care.vtt", "en/01-care.srt", "index.html", "manifest.json"])
def test_headers_come_from_our_table_and_read_back(s3: S3, built: Path, name: str) -> None:
    assert run(built, "s3://clinic/guides").exit_code == 0
    folder = built / "out" / GUIDE
    actual = (
        name
        if (folder / name).exists() or name == "manifest.json"
        else next(p.relative_to(folder).as_posix() for p in folder.rglob("*" + Path(name).suffix))
    )
    head = s3.head(actual if actual == "manifest.json" else address_of(s3.objects()["manifest.json"], actual))
    content_type, cache_control = headers_for(actual)
    assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control)
    expected = {
        ".mp3": "audio/mpeg",
        ".vtt": "text/vtt; charset=utf-8",
        ".srt": "application/x-subrip",
        ".html": "text/html; charset=utf-8",
        ".json": "application/json",
    }[Path(actual).suffix]
    assert head["ContentType"] == expected
    assert ("max-age=300" in head["CacheControl"]) == (Path(actual).suffix in (".html", ".json"))


def test_a_dry_run_leaves_the_bucket_untouched(s3: S3, built: Path) -> None:
    result = run(built, "s3://clinic/guides", "--dry-run")
    assert result.exit_code == 0, result.output
    count = len(local_files(built)) - 1
    assert f"dry run: {count} of {count} files would be uploaded" in result.output
    assert "Nothing was changed" in result.output
    assert s3.objects() == {}


def test_one_answer_edited_uploads_only_what_changed(s3: S3, built: Path, registry) -> None:
    from guide import builder

    assert run(built, "s3://clinic/guides").exit_code == 0
    script = built / "small.yaml"
    script.write_text(SMALL_SCRIPT.replace("About four months.", "Usually about four months."), encoding="utf-8")
    builder.build(script, RunSettings.make(out=built / "out", cache=built / "cache", jobs=1), registry=registry)
    result = run(built, "s3://clinic/guides")
    assert result.exit_code == 0, result.output
    sent = {line.split()[1] for line in result.output.splitlines() if line.startswith("uploaded ")}
    mp3s = {name for name in sent if name.endswith(".mp3")}
    assert mp3s == {"en/02-how-long.mp3", f"en/{GUIDE}.en.mp3"}, sent
    assert not any(name.startswith("ar/") for name in sent)
    assert {"en/02-how-long.vtt", "en/02-how-long.srt", "manifest.json", "index.html"} <= sent
    assert not any(name.split("/")[-1].startswith(("00-", "01-", "03-")) for name in sent)


def test_fixed_files_are_deleted_only_with_delete_and_within_max_deletes(s3: S3, built: Path) -> None:
    assert run(built, "s3://clinic/guides").exit_code == 0
    folder = built / "out" / GUIDE
    gone = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("playlist.m3u8"))
    assert len(gone) == 2
    for path in gone:
        (folder / path).unlink()
    kept = run(built, "s3://clinic/guides")
    assert kept.exit_code == 0 and "kept en/playlist.m3u8: no longer in the guide" in kept.output, kept.output
    assert all(path in s3.objects() for path in gone)
    refused = run(built, "s3://clinic/guides", "--delete", "--max-deletes", "1")
    assert refused.exit_code == 2 and "more than --max-deletes 1" in refused.output
    assert all(path in s3.objects() for path in gone)
    done = run(built, "s3://clinic/guides", "--delete")
    assert done.exit_code == 0 and "2 files deleted" in done.output, done.output
    assert not any(path in s3.objects() for path in gone)
    s3_site_is_whole(s3, built)


def test_old_versions_stay_for_the_grace_period_then_go(s3: S3, built: Path) -> None:
    assert run(built, "s3://clinic/guides").exit_code == 0
    folder = built / "out" / GUIDE
    texts = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.txt"))
    old = {path: address_of(s3.objects()["manifest.json"], path) for path in texts}
    for path in texts:
        (folder / path).unlink()
    retiring = run(built, "s3://clinic/guides", "--grace-days", "0")
    assert retiring.exit_code == 0, retiring.output
    assert f"{len(texts)} earlier versions kept for readers" in retiring.output
    assert all(address in s3.objects() for address in old.values())  # the manifest just replaced named them
    assert run(built, "s3://clinic/guides", "--grace-days", "1").output.startswith("s3://clinic/guides: up to date")
    removing = run(built, "s3://clinic/guides", "--grace-days", "0")
    assert removing.exit_code == 0 and f"{len(texts)} old versions removed" in removing.output, removing.output
    assert not any(address in s3.objects() for address in old.values())
    assert "retired" in json.loads(s3.objects()["manifest.json"])["published"]
    assert json.loads(s3.objects()["manifest.json"])["published"]["retired"] == {}
    s3_site_is_whole(s3, built)


def test_the_server_stopped_mid_publish_then_a_rerun_finishes(s3: S3, built: Path) -> None:
    folder = built / "out" / GUIDE
    seen: list[str] = []

    def after_each(line: str) -> None:
        # At every moment, whatever manifest DEST has names only files that are there.
        objects = s3.objects()
        if "manifest.json" in objects:
            named = json.loads(objects["manifest.json"])["published"]["files"]
            assert set(named) <= set(objects)
        seen.append(line)
        if len(seen) == 3:
            s3.server.stop()

    with pytest.raises(PublishError) as stopped:
        publish(folder, "s3://clinic/guides", report=after_each)
    message = stopped.value.format_message()
    assert "Stopped after 3 of" in message and "not uploaded" in message
    assert "run guide publish again" in message.lower()
    assert "There was no earlier publish at s3://clinic/guides" in message, message
    s3.server = moto_server.ThreadedMotoServer(
        ip_address="127.0.0.1", port=int(s3.endpoint.rsplit(":", 1)[1]), verbose=False
    )
    s3.server.start()
    assert "manifest.json" not in s3.objects()  # readers still see no half publish
    again = run(built, "s3://clinic/guides")
    assert again.exit_code == 0, again.output
    assert "already there from a stopped publish" in again.output, again.output
    s3_site_is_whole(s3, built)


def test_file_urls_publish_to_a_mounted_web_root(built: Path, tmp_path: Path) -> None:
    root = tmp_path / "www"
    result = run(built, f"file://{root}/guides")
    assert result.exit_code == 0, result.output
    site = root / "guides"
    fixed = fixed_addresses(built / "out" / GUIDE)
    assert read_site(lambda a: (site / a).read_bytes() if (site / a).is_file() else None, fixed, None) == []
    assert all((site / address).is_file() for address in fixed)
    assert not list(site.rglob(".*"))  # no temporary file left beside what was written
    assert "up to date" in run(built, f"file://{root}/guides").output


def test_only_what_the_manifest_lists_is_published_and_as_the_build_wrote_it(built: Path, tmp_path: Path) -> None:
    folder = built / "out" / GUIDE
    (folder / "notes.txt").write_text("left here by hand", encoding="utf-8")  # not a file the build wrote
    root = tmp_path / "www"
    result = run(built, f"file://{root}/guides")
    assert result.exit_code == 0, result.output
    assert not (root / "guides" / "notes.txt").exists()
    (folder / "en" / "01-care.srt").write_text("edited after the build", encoding="utf-8")
    changed = run(built, f"file://{root}/guides")
    assert changed.exit_code == 2 and "changed since guide build wrote it" in changed.output, changed.output


def test_a_manifest_without_an_inventory_asks_for_a_build(built: Path, tmp_path: Path) -> None:
    manifest = built / "out" / GUIDE / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    del data["files"]  # as an older guide wrote it
    manifest.write_text(json.dumps(data), encoding="utf-8")
    result = run(built, f"file://{tmp_path}/www")
    assert result.exit_code == 2 and "lists no files" in result.output, result.output


def test_a_missing_extra_names_its_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    registry = sys.modules["fsspec.registry"]  # the module (fsspec.registry is also the name of a mapping)
    monkeypatch.setitem(
        registry.known_implementations, "gs", {"class": "nonexistent_gcsfs.GCSFileSystem", "err": "Install gcsfs"}
    )
    monkeypatch.delitem(registry._registry, "gs", raising=False)
    with pytest.raises(MissingExtra) as missing:
        open_remote("gs://bucket/guides")
    assert "pip install -e '.[gcs]'" in missing.value.format_message()


@pytest.mark.parametrize("url", ["s3://", "nope://bucket/x"])
def test_a_bad_dest_is_an_input_error(url: str) -> None:
    with pytest.raises(InputError):
        open_remote(url)


def test_the_public_address_is_checked(s3: S3, built: Path) -> None:
    result = run(built, "s3://clinic/guides", "--public-url", "https://guides.example.org/small")
    assert result.exit_code == 0
    assert "warning: the guide was built without base_url" in result.output


def test_a_credential_in_a_script_is_refused(write_script) -> None:
    path = write_script(SMALL_SCRIPT + "aws_secret_access_key: abc\n", "creds.yaml")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 2
    assert "'aws_secret_access_key' looks like a credential; a script never holds one" in result.output


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_bucket_that_does_not_exist_is_named_before_anything_is_planned(s3: S3, built: Path, dry_run: bool) -> None:
    result = run(built, "s3://no-such-bucket/guides", *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 1, result.output
    assert "the bucket 'no-such-bucket' does not exist" in result.output
    assert "aws s3 mb s3://no-such-bucket" in result.output and "nothing was published" in result.output
    assert "would be uploaded" not in result.output and "Traceback" not in result.output
    assert not s3.fs.exists("no-such-bucket")


def test_a_web_root_that_cannot_be_written_is_named(built: Path, tmp_path: Path) -> None:
    (tmp_path / "www").write_text("a file where the web root should be", encoding="utf-8")
    result = run(built, f"file://{tmp_path}/www/guides", "--dry-run")
    assert result.exit_code == 1 and f"{tmp_path / 'www'} is a file, not a folder" in result.output, result.output


def test_a_dest_holding_another_guide_is_refused(s3: S3, built: Path) -> None:
    assert run(built, "s3://clinic/guides").exit_code == 0
    manifest = json.loads(s3.objects()["manifest.json"])
    manifest["id"] = "another-guide"
    s3.fs.pipe_file("clinic/guides/manifest.json", json.dumps(manifest).encode())
    result = run(built, "s3://clinic/guides", "--dry-run")
    assert result.exit_code == 2 and "holds the guide 'another-guide', not 'small-guide'" in result.output


def test_one_new_file_is_counted_as_one_of_the_guide_s_files(s3: S3, built: Path) -> None:
    assert run(built, "s3://clinic/guides").exit_code == 0
    count = len(local_files(built)) - 1
    (built / "out" / GUIDE / "proof.html").write_text("<!doctype html><p>proof</p>\n", encoding="utf-8")
    result = run(built, "s3://clinic/guides")
    assert result.exit_code == 0, result.output
    assert f"1 of {count + 1} files uploaded (28 bytes), {count} unchanged, then the manifest" in result.output
