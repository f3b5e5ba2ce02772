"""What a build will send to the online voices, and what that costs, before anything is recorded.

Pure over a plan: the characters each online engine's takes send (as the engine
bills them), for a cold build (every take) and for the next build (only the takes
not in the cache: the changed sentences). Where the engine publishes a price per
character, the cost too, with the price's source and the date it was read.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..engines import EngineRegistry, Price
from ..planner import TakeSpec


@dataclass(frozen=True)
class EngineCost:
    """One online engine's share of a build."""

    engine: str
    """The engine's name (``azure``)."""

    voices: tuple[str, ...]
    """The voices of this engine the script uses (``azure:ar-SA-ZariyahNeural``)."""

    takes: int
    """Takes a cold build sends (every distinct take of this engine)."""

    characters: int
    """Characters a cold build sends, as the engine bills them."""

    next_takes: int
    """Takes the next build sends: the ones not in the cache."""

    next_characters: int
    """Characters the next build sends."""

    price: Price | None
    """The engine's published price (the first voice's, when voices differ in price), or None."""

    prices_differ: bool = False
    """The script's voices of this engine have different prices: the cost is reckoned per voice all the same."""

    cold_usd: float | None = None
    """A cold build's cost in US dollars, None without a published price."""

    next_usd: float | None = None
    """The next build's cost in US dollars, None without a published price."""

    def describe(self) -> str:
        """One line for ``guide check`` and ``guide plan``."""
        line = (
            f"{self.engine}: a cold build sends {self.characters:,} characters ({_takes(self.takes)}); "
            f"the next build {self.next_characters:,} ({_takes(self.next_takes)} not in the cache)"
        )
        if self.price is None:
            return line + "; no price per character published (see the README's voices table)"
        return line + (
            f"; about {_usd(self.cold_usd)} cold, {_usd(self.next_usd)} next, at US${self.price.usd_per_million:g} "
            "per million "
            f"characters ({self.price.tier}; {self.price.source}), before any free tier"
        )


def _takes(count: int) -> str:
    return f"{count} take{'s' if count != 1 else ''}"


def _usd(value: float | None) -> str:
    """Dollars to the cent, or to two significant digits under a dollar (a sentence costs fractions of a cent)."""
    if value is None:
        return "?"
    if value >= 0.995 or value == 0:
        return f"US${value:,.2f}"
    return f"US${value:.{1 - math.floor(math.log10(value))}f}"  # 0.062, 0.000075: never 7.5e-05


def estimate(takes: Iterable[TakeSpec], cached: Callable[[str], bool], registry: EngineRegistry) -> list[EngineCost]:
    """Per online engine, in the order first heard: characters and cost of a cold build and of the next one.

    `takes` are the plan's distinct takes; `cached(key)` says whether a take is already recorded."""
    rows: dict[str, dict] = {}
    for take in takes:
        voice = take.voice
        if registry.get(voice.engine).offline:
            continue
        chars = registry.billed_characters(take.text, voice)
        price = registry.price(voice)
        row = rows.setdefault(
            voice.engine,
            {
                "voices": {},
                "takes": 0,
                "chars": 0,
                "next_takes": 0,
                "next_chars": 0,
                "prices": {},
                "cold": 0.0,
                "next": 0.0,
            },
        )
        row["voices"][voice.label] = None
        row["prices"][price] = None
        row["takes"] += 1
        row["chars"] += chars
        cost = chars * price.usd_per_million / 1e6 if price is not None else 0.0
        row["cold"] += cost
        if not cached(take.key):
            row["next_takes"] += 1
            row["next_chars"] += chars
            row["next"] += cost
    out = []
    for engine, row in rows.items():
        prices = list(row["prices"])
        priced = all(p is not None for p in prices)
        out.append(
            EngineCost(
                engine,
                tuple(row["voices"]),
                row["takes"],
                row["chars"],
                row["next_takes"],
                row["next_chars"],
                prices[0] if priced else None,
                len(prices) > 1,
                row["cold"] if priced else None,
                row["next"] if priced else None,
            )
        )
    return out
