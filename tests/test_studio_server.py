"""guide studio over real HTTP: a real uvicorn server on 127.0.0.1, a real client, real voices and builds.

Every bad request is sent for real, and each refusal is checked both for its answer and for
nothing having been written (the script, the history, the output folder).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import httpx
import pytest

from guide.lock import BuildLock
from guide.settings import RunSettings
from guide.studio.server import Studio
from guide.studio.workspace import Workspace

from .conftest import SMALL_SCRIPT

SCRIPT = "# The small guide, kept by hand: comments stay.\n" + SMALL_SCRIPT.replace(
    "faq:\n", "# Questions patients ask.\nfaq:\n"
)


@dataclass
class Running:
    studio: Studio
    project: Path
    script: Path
    out: Path
    cache: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.studio.port}"

    def client(self, login: bool = True) -> tuple[httpx.Client, str]:
        """A client (with its CSRF token), logged in through a new one-time address unless `login` is False."""
        client = httpx.Client(base_url=self.base, timeout=120)
        if not login:
            return client, ""
        answer = client.get(self.studio.login_url().removeprefix(self.base), follow_redirects=True)
        assert answer.status_code == 200
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', answer.text).group(1)
        return client, csrf

    def headers(self, csrf: str) -> dict[str, str]:
        return {"x-csrf-token": csrf, "origin": self.base}

    def files(self) -> dict[str, str]:
        """Every file of the project (script, cache history, output) with its hash: what must not change."""
        return {
            str(p.relative_to(self.project)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.project.rglob("*"))
            if p.is_file() and "takes" not in p.parts
        }


@pytest.fixture
def running(tmp_path: Path, registry) -> Iterator[Running]:
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    script = project / "scripts" / "small.yaml"
    script.write_text(SCRIPT, encoding="utf-8")
    out, cache = project / "audio_out", project / "cache"
    studio = Studio(Workspace(project / "scripts", RunSettings.make(out=out, cache=cache), registry), "127.0.0.1", 0)
    thread = threading.Thread(target=studio.serve, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while (studio.server is None or not studio.server.started) and time.monotonic() < deadline:
        time.sleep(0.02)
    yield Running(studio, project, script, out, cache)
    studio.stop()
    thread.join(20)
    studio.workspace.stop()


def doc(client: httpx.Client) -> dict:
    answer = client.get("/api/scripts/small")
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_job(client: httpx.Client, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = doc(client)["job"]
        if job and job["state"] != "running":
            return job
        time.sleep(0.2)
    raise AssertionError("the job did not end")


# --------------------------------------------------------------------------- #
# The guard: every bad request, refused, and nothing written
# --------------------------------------------------------------------------- #


def test_without_a_session_every_route_is_403(running: Running) -> None:
    client, _ = running.client(login=False)
    before = running.files()
    for method, path in [
        ("GET", "/"),
        ("GET", "/api/scripts"),
        ("GET", "/api/scripts/small"),
        ("GET", "/api/scripts/small/events"),
        ("GET", "/assets/studio.js"),
        ("POST", "/api/scripts/small/save"),
        ("POST", "/api/scripts/small/build"),
        ("GET", "/?token=not-the-token"),
        ("GET", "/guides/small/index.html"),
    ]:
        answer = client.request(method, path, headers={"origin": running.base}, json={})
        assert answer.status_code == 403, (method, path)
        assert "guide studio printed" in answer.text
    assert running.files() == before


def test_the_token_works_once(running: Running) -> None:
    url = running.studio.login_url().removeprefix(running.base)
    first = httpx.get(running.base + url, follow_redirects=False)
    assert first.status_code == 303
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "token" not in first.headers["location"]
    second = httpx.get(running.base + url, follow_redirects=False)
    assert second.status_code == 403


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:80", "localhost.evil.example", "127.0.0.1.nip.io", "attacker.com:1234"]
)
def test_a_foreign_host_is_refused_even_with_a_session(running: Running, host: str) -> None:
    client, csrf = running.client()
    before = running.files()
    assert client.get("/api/scripts/small", headers={"host": host}).status_code == 403
    assert client.get("/api/scripts/small/events", headers={"host": host}).status_code == 403
    answer = client.post(
        "/api/scripts/small/save",
        headers={"host": host, "origin": f"http://{host}", "x-csrf-token": csrf},
        json={"version": doc(client)["version"], "texts": {"intro/en": "Hacked."}},
    )
    assert answer.status_code == 403
    assert running.files() == before


def test_local_names_are_accepted(running: Running) -> None:
    client, _ = running.client()
    for host in (
        f"localhost:{running.studio.port}",
        f"127.0.0.1:{running.studio.port}",
        f"[::1]:{running.studio.port}",
    ):
        assert client.get("/api/scripts", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},  # cross-origin, with the token stolen somehow
        {},  # no Origin at all
        {"origin": "null"},
        {"origin": "http://localhost:1"},  # another local app
    ],
)
def test_a_change_from_another_origin_is_refused(running: Running, headers: dict) -> None:
    client, csrf = running.client()
    version = doc(client)["version"]
    before = running.files()
    for path, body in [
        ("save", {"version": version, "texts": {"intro/en": "Changed."}}),
        ("build", {}),
        ("undo", {"version": version}),
        ("preview", {"path": "intro/en", "sentence": 0}),
    ]:
        answer = client.post(f"/api/scripts/small/{path}", headers={**headers, "x-csrf-token": csrf}, json=body)
        assert answer.status_code == 403, path
    assert running.files() == before
    assert doc(client)["job"] is None


def test_a_change_without_the_csrf_token_is_refused(running: Running) -> None:
    client, csrf = running.client()
    before = running.files()
    for token in ("", "wrong", csrf[:-1]):
        answer = client.post(
            "/api/scripts/small/save",
            headers={"origin": running.base, "x-csrf-token": token},
            json={"version": doc(client)["version"], "texts": {"intro/en": "Changed."}},
        )
        assert answer.status_code == 403
    assert running.files() == before


@pytest.mark.parametrize(
    "script_id",
    [
        "..",
        "%2e%2e",
        "..%2fscripts%2fsmall",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "small.yaml",
        "nope",
    ],
)
def test_traversal_in_the_script_id_is_refused(running: Running, script_id: str) -> None:
    client, csrf = running.client()
    before = running.files()
    assert client.get(f"/api/scripts/{script_id}").status_code in (403, 404)
    answer = client.post(
        f"/api/scripts/{script_id}/save", headers=running.headers(csrf), json={"version": "x", "texts": {}}
    )
    assert answer.status_code in (403, 404, 405)
    assert running.files() == before


@pytest.mark.parametrize(
    "address",
    ["../../etc/passwd", "%2e%2e/intro/en", "/etc/passwd", "intro/../outro/en", "intro/en/../../x", "intro/fr", ""],
)
def test_traversal_in_a_text_address_is_refused(running: Running, address: str) -> None:
    client, csrf = running.client()
    version = doc(client)["version"]
    before = running.files()
    save = client.post(
        "/api/scripts/small/save", headers=running.headers(csrf), json={"version": version, "texts": {address: "x"}}
    )
    assert save.status_code == 404 and "no text" in save.json()["error"]
    preview = client.post(
        "/api/scripts/small/preview", headers=running.headers(csrf), json={"path": address, "sentence": 0}
    )
    assert preview.status_code == 404
    assert running.files() == before


@pytest.mark.parametrize(
    "file",
    [
        "../small.yaml",
        "%2e%2e/%2e%2e/scripts/small.yaml",
        "..%2f..%2fscripts%2fsmall.yaml",
        "/etc/passwd",
        "en/../../../scripts/small.yaml",
        "manifest.json/..",
    ],
)
def test_traversal_in_a_guide_file_is_refused(running: Running, file: str) -> None:
    client, _ = running.client()
    answer = client.get(f"/guides/small/{file}")
    assert answer.status_code in (403, 404)
    assert b"id: small-guide" not in answer.content and b"root:" not in answer.content


def test_a_huge_body_is_refused_and_nothing_is_written(running: Running) -> None:
    client, csrf = running.client()
    before = running.files()
    huge = "x" * 6_000_000
    answer = client.post(
        "/api/scripts/small/save",
        headers=running.headers(csrf),
        content=json.dumps({"version": doc(client)["version"], "texts": {"intro/en": huge}}),
    )
    assert answer.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"version": "x", "texts": {"intro/en": "'
        for _ in range(70):
            yield b"y" * 100_000
        yield b'"}}'

    streamed = client.post("/api/scripts/small/save", headers=running.headers(csrf), content=chunks())
    assert streamed.status_code == 413
    assert running.files() == before


def test_junk_bodies_get_clear_errors(running: Running) -> None:
    client, csrf = running.client()
    headers = running.headers(csrf)
    assert (
        client.post("/api/scripts/small/save", headers=headers, content=b"not json").json()["error"]
        == "the request is not JSON"
    )
    assert client.post("/api/scripts/small/save", headers=headers, json=[1, 2]).status_code == 422
    assert client.post("/api/scripts/small/save", headers=headers, json={"texts": "x"}).status_code == 422
    deep = client.post("/api/scripts/small/save", headers=headers, content=b"[" * 200_000 + b"]" * 200_000)
    assert deep.status_code == 422 and deep.json()["error"] == "the request is nested too deeply"
    answer = client.post("/api/scripts/small/preview", headers=headers, json={"path": "intro/en", "sentence": "0"})
    assert answer.status_code == 422 and "whole number" in answer.json()["error"]


# --------------------------------------------------------------------------- #
# Saving: one line changes, errors at their field, conflicts, undo
# --------------------------------------------------------------------------- #


def test_a_save_changes_that_line_only_and_keeps_comments(running: Running) -> None:
    client, csrf = running.client()
    before = running.script.read_text(encoding="utf-8")
    answer = client.post(
        "/api/scripts/small/save",
        headers=running.headers(csrf),
        json={"version": doc(client)["version"], "texts": {"faq/how-long/answer/ar": "نحو ثلاثة أشهر."}},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["changed"] == ["faq/how-long/answer/ar"]
    after = running.script.read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [
        (
            '    answer: {en: "About four months.", ar: "نحو أربعة أشهر."}',
            '    answer: {en: "About four months.", ar: "نحو ثلاثة أشهر."}',
        )
    ]
    assert len(before.splitlines()) == len(after.splitlines())
    assert "# Questions patients ask." in after
    text = next(t for t in doc(client)["texts"] if t["path"] == "faq/how-long/answer/ar")
    assert text["source"] == "نحو ثلاثة أشهر." and text["state"] == "changed"


def test_a_save_over_a_change_on_disk_is_refused(running: Running) -> None:
    client, csrf = running.client()
    version = doc(client)["version"]
    running.script.write_text(SCRIPT.replace("Thank you.", "Thanks a lot."), encoding="utf-8")
    on_disk = running.script.read_bytes()
    answer = client.post(
        "/api/scripts/small/save",
        headers=running.headers(csrf),
        json={"version": version, "texts": {"intro/en": "Mine."}},
    )
    assert answer.status_code == 409
    assert "changed since this page loaded it" in answer.json()["error"]
    assert running.script.read_bytes() == on_disk


def test_a_bad_edit_is_refused_at_its_field_in_words(running: Running) -> None:
    client, csrf = running.client()
    before = running.files()
    answer = client.post(
        "/api/scripts/small/save",
        headers=running.headers(csrf),
        json={"version": doc(client)["version"], "texts": {"faq/how-long/answer/en": "About {four months."}},
    )
    assert answer.status_code == 422
    fields = answer.json()["fields"]
    assert fields and fields[0]["path"] == "faq/how-long/answer/en"
    assert not re.search(r"\.yaml:\d", fields[0]["message"])  # in words, not file:line
    assert fields[0]["message"].startswith("'{' is never closed")  # nor the script's name for the text
    assert running.files() == before


def test_undo_puts_back_the_version_before(running: Running) -> None:
    client, csrf = running.client()
    original = running.script.read_bytes()
    version = doc(client)["version"]
    saved = client.post(
        "/api/scripts/small/save",
        headers=running.headers(csrf),
        json={"version": version, "texts": {"outro/en": "Bye."}},
    )
    assert saved.status_code == 200
    stale = client.post("/api/scripts/small/undo", headers=running.headers(csrf), json={"version": version})
    assert stale.status_code == 409  # based on a version that is no longer on disk
    undone = client.post(
        "/api/scripts/small/undo", headers=running.headers(csrf), json={"version": saved.json()["version"]}
    )
    assert undone.status_code == 200
    assert running.script.read_bytes() == original


# --------------------------------------------------------------------------- #
# Hearing and building
# --------------------------------------------------------------------------- #


def _seconds(wav: bytes) -> float:
    with wave.open(BytesIO(wav)) as reader:
        return reader.getnframes() / reader.getframerate()


def test_preview_records_a_changed_sentence_as_an_ordinary_take(running: Running) -> None:
    client, csrf = running.client()
    text = next(t for t in doc(client)["texts"] if t["path"] == "intro/en")
    assert text["sentences"][1]["state"] == "changed"
    answer = client.post(
        "/api/scripts/small/preview", headers=running.headers(csrf), json={"path": "intro/en", "sentence": 1}
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "audio/wav"
    assert 0.8 < _seconds(answer.content) < 5
    about = json.loads(httpx.URL("?a=" + answer.headers["x-guide-about"]).params["a"])
    assert about["sentence"] == "This is a short guide." and about["recorded"]
    text = next(t for t in doc(client)["texts"] if t["path"] == "intro/en")
    assert [s["state"] for s in text["sentences"]] == ["changed", "recorded"]
    again = client.post(
        "/api/scripts/small/preview", headers=running.headers(csrf), json={"path": "intro/en", "sentence": 1}
    )
    assert again.content == answer.content
    assert not json.loads(httpx.URL("?a=" + again.headers["x-guide-about"]).params["a"])["recorded"]


def test_preview_of_an_unsaved_text_and_its_errors(running: Running) -> None:
    client, csrf = running.client()
    headers = running.headers(csrf)
    answer = client.post(
        "/api/scripts/small/preview", headers=headers, json={"path": "outro/ar", "sentence": 0, "text": "شكرا جزيلا."}
    )
    assert answer.status_code == 200 and _seconds(answer.content) > 0.3
    bad = client.post(
        "/api/scripts/small/preview", headers=headers, json={"path": "outro/en", "sentence": 0, "text": "Hi {there"}
    )
    assert bad.status_code == 422
    past = client.post("/api/scripts/small/preview", headers=headers, json={"path": "outro/en", "sentence": 5})
    assert past.status_code == 404 and "1 sentence" in past.json()["error"]


@pytest.mark.slow
def test_build_cancel_resume_and_events(running: Running) -> None:
    client, csrf = running.client()
    headers = running.headers(csrf)
    events: list[dict] = []

    def listen() -> None:
        # Until the second build of this test ends (job numbers go on across the process: the first one seen
        # here is this test's first build).
        with httpx.Client(base_url=running.base, cookies=client.cookies, timeout=None) as reader:
            with reader.stream("GET", "/api/scripts/small/events") as stream:
                for line in stream.iter_lines():
                    if line.startswith("data: ") and line not in ("data: null", "data: {}"):  # job events only
                        events.append(json.loads(line[6:]))
                        if events[-1]["state"] != "running" and events[-1]["number"] > events[0]["number"]:
                            return

    # More English sentences (Piper's, the slow ones) than the small guide has, so the cancel lands mid-build.
    # No numbers in them: the Arabic says none, and a build refuses a translation saying other numbers.
    names = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()
    longer = " ".join(f"Sentence {name} of the longer outro is here." for name in names)
    running.script.write_text(SCRIPT.replace('outro: {en: "Thank you."', f'outro: {{en: "{longer}"'), encoding="utf-8")
    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    started = client.post("/api/scripts/small/build", headers=headers, json={})
    assert started.status_code == 202
    while not (doc(client)["job"] or {}).get("done"):
        time.sleep(0.05)
    assert client.post("/api/scripts/small/cancel", headers=headers, json={}).json()["cancelled"], doc(client)["job"]
    job = wait_job(client)
    assert job["state"] == "cancelled" and "next build goes on" in job["error"], job
    kept, first_total = job["done"], job["total"]
    assert 0 < kept < first_total, job
    assert not (running.out / "small-guide" / "manifest.json").exists()

    second = client.post("/api/scripts/small/build", headers=headers, json={})
    assert second.status_code == 202
    busy = client.post("/api/scripts/small/build", headers=headers, json={})
    assert busy.status_code == 409
    job = wait_job(client)
    assert job["state"] == "done", job
    # Resumed: what the first build recorded is not recorded again (a take in flight when it stopped is kept too).
    assert 0 < job["total"] <= first_total - kept, (job, kept, first_total)
    assert any(f.endswith(".mp3") for f in job["result"]["files"])
    assert (running.out / "small-guide" / "index.html").is_file()
    listener.join(60)
    running_events = [e for e in events if e["state"] == "running" and e["total"]]
    assert running_events and all(e["done"] <= e["total"] for e in running_events)
    assert any(e["item"] for e in running_events)
    assert [e["state"] for e in events if e["state"] != "running"][-2:] == ["cancelled", "done"]
    assert events[-1]["number"] == events[0]["number"] + 1
    player = client.get("/guides/small/index.html")
    assert player.status_code == 200 and "small" in player.text.lower()


def test_a_cli_build_holds_the_lock_and_the_studio_shows_it(running: Running) -> None:
    client, csrf = running.client()
    folder = running.out / "small-guide"
    with BuildLock(folder):
        assert doc(client)["built_elsewhere"] is True
        client.post("/api/scripts/small/build", headers=running.headers(csrf), json={})
        job = wait_job(client, 60)
        assert job["state"] == "failed" and "another build is writing" in job["error"]
    assert doc(client)["built_elsewhere"] is False


def test_the_events_stream_checks_the_host_too(running: Running) -> None:
    client, _ = running.client()
    with client.stream("GET", "/api/scripts/small/events", headers={"host": "rebind.example"}) as stream:
        assert stream.status_code == 403


# --------------------------------------------------------------------------- #
# Pronunciations, voices, a new guide
# --------------------------------------------------------------------------- #


def test_a_pronunciation_shows_what_it_changes_and_saves_one_line(running: Running) -> None:
    client, csrf = running.client()
    headers = running.headers(csrf)
    found = client.post(
        "/api/scripts/small/pronunciation/check", headers=headers, json={"lang": "en", "word": "water", "say": "wa-ter"}
    )
    assert found.json()["sentences"] == [
        {
            "path": "sections/care/body/1/bullets/0/en",
            "sentence": 0,
            "text": "Drink water",
            "before": "Drink water",
            "after": "Drink wa-ter",
        }
    ]
    heard = {
        flavour: client.post(
            "/api/scripts/small/preview",
            headers=headers,
            json={
                "path": "sections/care/body/1/bullets/0/en",
                "sentence": 0,
                **({"entry": {"lang": "en", "word": "water", "say": "wa-ter"}} if flavour else {}),
            },
        ).content
        for flavour in (False, True)
    }
    assert heard[False] != heard[True] and all(_seconds(wav) > 0.3 for wav in heard.values())
    before = running.script.read_text(encoding="utf-8")
    saved = client.post(
        "/api/scripts/small/pronunciation",
        headers=headers,
        json={"version": doc(client)["version"], "lang": "en", "word": "water", "say": "wa-ter"},
    )
    assert saved.status_code == 200, saved.text
    after = running.script.read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line not in before.splitlines()] == [
        "lexicon:",
        "  en: {water: wa-ter}",
    ]
    assert before in after  # nothing else moved
    assert client.get("/api/scripts/small/lexicon").json()["entries"] == [
        {"lang": "en", "word": "water", "say": "wa-ter", "editable": True, "numbers_differ": False}
    ]
    removed = client.post(
        "/api/scripts/small/pronunciation",
        headers=headers,
        json={"version": saved.json()["version"], "lang": "en", "word": "water", "say": None},
    )
    assert removed.status_code == 200
    assert client.get("/api/scripts/small/lexicon").json()["entries"] == []


def test_a_pronunciation_that_changes_a_number_is_refused_in_words(running: Running) -> None:
    client, csrf = running.client()
    running.script.write_text(SCRIPT.replace("About four months.", "About 4 months."), encoding="utf-8")
    before = running.files()
    refused = client.post(
        "/api/scripts/small/pronunciation",
        headers=running.headers(csrf),
        json={"version": doc(client)["version"], "lang": "en", "word": "4", "say": "six"},
    )
    assert refused.status_code == 422
    assert "6 where 4 is written" in refused.json()["error"]
    assert running.files() == before


def test_voices_are_listed_with_what_speaks_now_and_a_voice_is_saved(running: Running) -> None:
    client, csrf = running.client()
    languages = {v["lang"]: v for v in client.get("/api/scripts/small/voices").json()["languages"]}
    assert languages["en"]["speaks"] == "piper:en_US-joe-medium"
    assert any(o["engine"] == "espeak" and o["voice"] == "ar" for o in languages["ar"]["options"])
    assert not any(o["voice"].startswith("en") for o in languages["ar"]["options"])
    before = running.script.read_text(encoding="utf-8")
    saved = client.post(
        "/api/scripts/small/voice",
        headers=running.headers(csrf),
        json={"version": doc(client)["version"], "lang": "ar", "engine": "espeak", "voice": "ar", "speed": 0.9},
    )
    assert saved.status_code == 200, saved.text
    after = running.script.read_text(encoding="utf-8")
    assert before in after and after.endswith("voices:\n  ar: {engine: espeak, voice: ar, speed: 0.9}\n")
    bad = client.post(
        "/api/scripts/small/voice",
        headers=running.headers(csrf),
        json={"version": saved.json()["version"], "lang": "ar", "engine": "espeak", "voice": "xx-nope", "speed": 1},
    )
    assert bad.status_code == 422 and "xx-nope" in bad.json()["error"]
    assert running.script.read_text(encoding="utf-8") == after


def test_a_new_guide_from_an_article(running: Running) -> None:
    client, csrf = running.client()
    article = "# Sun care\n\nUse sunscreen every day.\n\n## Why it matters\n\nSunburn hurts the skin.\n"
    made = client.post(
        "/api/guides", headers=running.headers(csrf), json={"name": "Sun care", "article": article, "markdown": True}
    )
    assert made.status_code == 201 and made.json() == {"id": "sun-care"}
    new = client.get("/api/scripts/sun-care").json()
    assert "problems" not in new
    states = {t["path"]: t["state"] for t in new["texts"]}
    assert states["title/en"] == "changed" and states["title/ar"] == "to translate"
    again = client.post("/api/guides", headers=running.headers(csrf), json={"name": "Sun care", "article": article})
    assert again.status_code == 409
    # A name is only ever a slug inside the scripts folder: no path can be named.
    outside = sorted(p for p in running.project.parent.rglob("*") if "scripts" not in p.parts)
    for name, made_id in (("../../evil", "evil"), ("/etc/passwd", "etc-passwd")):
        answer = client.post("/api/guides", headers=running.headers(csrf), json={"name": name, "article": article})
        assert answer.status_code == 201 and answer.json() == {"id": made_id}
    assert sorted(p for p in running.project.parent.rglob("*") if "scripts" not in p.parts) == outside
    assert sorted(p.name for p in (running.project / "scripts").iterdir()) == [
        "etc-passwd.yaml",
        "evil.yaml",
        "small.yaml",
        "sun-care.yaml",
    ]
    for name, article_text in (("", article), ("مقال", article), ("Empty", "   ")):
        answer = client.post("/api/guides", headers=running.headers(csrf), json={"name": name, "article": article_text})
        assert answer.status_code == 422, answer.text


def test_two_studios_on_one_machine_keep_their_sessions_apart(running: Running, tmp_path: Path, registry) -> None:
    other = Studio(
        Workspace(running.project / "scripts", RunSettings.make(out=running.out, cache=running.cache), registry),
        "127.0.0.1",
        0,
    )
    thread = threading.Thread(target=other.serve, daemon=True)
    thread.start()
    try:
        while other.server is None or not other.server.started:
            time.sleep(0.02)
        client, _ = running.client()  # one browser: one cookie jar for 127.0.0.1, whatever the port
        login = client.get(
            f"http://127.0.0.1:{other.port}/" + other.login_url().split("/", 3)[3], follow_redirects=True
        )
        assert login.status_code == 200
        assert client.get("/api/scripts").status_code == 200
        assert client.get(f"http://127.0.0.1:{other.port}/api/scripts").status_code == 200
        stranger = httpx.Client(cookies={f"guide_studio_{running.studio.port}": "made-up"})
        assert stranger.get(f"{running.base}/api/scripts").status_code == 403
    finally:
        other.stop()
        thread.join(20)
