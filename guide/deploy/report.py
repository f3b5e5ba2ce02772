"""What ``guide publish`` says about a publish, in words that count the same way every time: the guide's files
(its manifest aside, which is always put last), out of how many, each file once however many addresses hold it."""

from __future__ import annotations

from ..plural import counted
from .plan import PublishPlan, Upload
from .run import PublishResult

__all__ = ["summary"]


def _size(number: int) -> str:
    return f"{number:,} {counted(number, 'byte').split(' ', 1)[1]}"


def _as(upload: Upload) -> str:
    return f" as {upload.address}" if upload.address != upload.entry.path else ""


def _removals(plan: PublishPlan, would: str) -> str:
    parts = [
        f"{counted(len(plan.remove), 'old version')} {would}removed (grace period over)" if plan.remove else "",
        f"{counted(len(plan.delete), 'file')} {would}deleted" if plan.delete else "",
    ]
    return "".join(f", {part}" for part in parts if part)


def summary(result: PublishResult, dest: str) -> list[str]:
    """The lines that end a publish (or a dry run): the count, then the plan's details."""
    plan = result.plan
    out_of = f"of {counted(plan.files, 'file')}"
    if result.dry_run:
        lines = [
            f"dry run: {len(plan.changed)} {out_of} would be uploaded ({_size(plan.upload_bytes)}), "
            f"{plan.unchanged} unchanged{_removals(plan, 'would be ')}"
            f"{', then the manifest' if plan.upload else ''}. Nothing was changed."
        ]
        lines += [f"  upload {u.entry.path} ({_size(u.entry.size)}){_as(u)}" for u in plan.upload]
        lines += [f"  remove {path} (an old version)" for path in plan.remove]
        lines += [f"  delete {path}" for path in plan.delete]
    elif plan.nothing_to_do and not result.uploaded:
        lines = [f"{dest}: up to date: {plan.unchanged} {out_of} unchanged, nothing uploaded"]
    else:
        resumed = len(result.already_there)
        lines = [
            f"{dest}: {len(plan.changed)} {out_of} uploaded ({_size(plan.upload_bytes)}), {plan.unchanged} unchanged"
            f"{_removals(plan, '')}, then the manifest"
            + (f" ({counted(resumed, 'upload')} already there from a stopped publish)" if resumed else "")
        ]
    if plan.retired and not result.dry_run:
        oldest = min(since for _, since in plan.retired)
        lines.append(
            f"  {counted(len(plan.retired), 'earlier version')} kept for readers who loaded a page or feed before this "
            f"publish (since {oldest:%Y-%m-%d}); a later publish removes each once its grace period is over"
        )
    lines += [f"  kept {path}: {why}" for path, why in plan.kept]
    return lines
