"""The district map of the digest and the notebooks (issue 18, 4): every locality with coordinates in the gazetteer is
a point, sized by its reports; the others are listed by name with their counts — no position is ever invented.
Inline SVG drawn here (no internet at run time, no tile server).

    m = place_map([("Демянск", 57.65, 32.47), ("Полново", None, None)], {"Демянск": (12, 2), "Полново": (3, 0)})
    m.points       # (MapPoint("Демянск", posts=12, stories=2, x=…, y=…, r=…),)
    m.unlocated    # (("Полново", 3, 0),)        named in reports, no coordinates
    m.quiet        # localities without coordinates and without reports
    map_svg(m)     # <svg …> with a <circle data-place="Демянск"> and a <title> tooltip per point
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup

from core.html import environment

WIDTH, HEIGHT, MARGIN = 640, 420, 50
LABEL_H = 14


@dataclass(frozen=True)
class MapPoint:
    name: str
    lat: float
    lon: float
    posts: int              # reports about problems in the period
    stories: int            # stories (risks) raised there in the period
    x: float
    y: float
    r: float
    label_y: float          # moved down when labels would overlap


@dataclass(frozen=True)
class PlaceMap:
    points: tuple[MapPoint, ...]
    unlocated: tuple[tuple[str, int, int], ...]    # (name, posts, stories) with reports but no coordinates
    quiet: int                                     # localities with neither coordinates nor reports
    width: int = WIDTH
    height: int = HEIGHT


def project(coords: list[tuple[float, float]], width: int, height: int, margin: int) -> list[tuple[float, float]]:
    """(lat, lon) -> (x, y) in the box: equirectangular, longitude scaled by cos(mean latitude), north up,
    centred; one scale for both axes so distances stay true."""
    if not coords:
        return []
    k = math.cos(math.radians(sum(lat for lat, _ in coords) / len(coords)))
    xs, ys = [lon * k for _, lon in coords], [lat for lat, _ in coords]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    scale = min((width - 2 * margin) / max(span_x, 1e-3), (height - 2 * margin) / max(span_y, 1e-3))
    dx, dy = (width - span_x * scale) / 2, (height - span_y * scale) / 2
    return [(dx + (x - min(xs)) * scale, height - dy - (y - min(ys)) * scale) for x, y in zip(xs, ys, strict=True)]


def _label_rows(points: list[tuple[float, float, float]]) -> list[float]:
    """Label baselines for points (x, y, r): a label that would overlap one already placed moves down."""
    placed: list[tuple[float, float]] = []
    out = []
    for x, y, _ in points:
        at = y + 4
        while any(abs(at - py) < LABEL_H and abs(x - px) < 160 for px, py in placed):
            at += LABEL_H
        placed.append((x, at))
        out.append(at)
    return out


def place_map(localities: Iterable[tuple[str, float | None, float | None]], counts: Mapping[str, tuple[int, int]],
              width: int = WIDTH, height: int = HEIGHT) -> PlaceMap:
    """localities: the gazetteer's (name, lat, lon); counts: name -> (posts, stories) in the period. A name counted
    but missing from the gazetteer is listed with the unlocated."""
    localities = list(localities)
    located = [(n, lat, lon) for n, lat, lon in localities if lat is not None and lon is not None]
    known = {n for n, _, _ in localities}
    top = max([counts.get(n, (0, 0))[0] for n, _, _ in located] + [1])
    xy = project([(lat, lon) for _, lat, lon in located], width, height, MARGIN)
    rows = sorted(((n, lat, lon, x, y) for (n, lat, lon), (x, y) in zip(located, xy, strict=True)),
                  key=lambda p: (p[4], p[3]))                                   # top to bottom, for the labels
    radii = [4 + 18 * math.sqrt(counts.get(n, (0, 0))[0] / top) for n, *_ in rows]
    labels = _label_rows([(x + r, y, r) for (_, _, _, x, y), r in zip(rows, radii, strict=True)])
    points = tuple(MapPoint(n, lat, lon, *counts.get(n, (0, 0)), x=round(x, 1), y=round(y, 1), r=round(r, 1),
                            label_y=round(ly, 1))
                   for (n, lat, lon, x, y), r, ly in zip(rows, radii, labels, strict=True))
    unlocated = [(n, *counts[n]) for n, lat, lon in localities if (lat is None or lon is None) and n in counts]
    unlocated += [(n, *c) for n, c in counts.items() if n and n not in known]
    quiet = sum(1 for n, lat, lon in localities if (lat is None or lon is None) and n not in counts)
    return PlaceMap(points=tuple(sorted(points, key=lambda p: -p.posts)),
                    unlocated=tuple(sorted(unlocated, key=lambda u: (-u[1], u[0]))), quiet=quiet,
                    width=width, height=height)


@cache
def _env():
    return environment(Path(__file__).parent / "templates")


def map_svg(m: PlaceMap, title: str = "Карта округа") -> Markup:
    """The points as inline SVG (every name escaped); a note instead when no locality has coordinates."""
    return Markup(_env().get_template("digest/map.svg").render(m=m, title=title))
