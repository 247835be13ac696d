"""The district map (issue 18, 4): positions only from coordinates, longitude scaled by cos(latitude), the rest
listed with their counts; the SVG is well-formed and escapes names."""
from __future__ import annotations

import math
from xml.dom import minidom

import pytest

from analytics.place_map import map_svg, place_map, project


def test_longitude_is_scaled_by_the_cosine_of_latitude():
    (x0, y0), (x1, y1), (x2, y2) = project([(60.0, 30.0), (60.0, 31.0), (61.0, 30.0)], 600, 600, 50)
    assert y1 == pytest.approx(y0) and x2 == pytest.approx(x0)
    assert (x1 - x0) / (y0 - y2) == pytest.approx(math.cos(math.radians(60 + 1 / 3)), rel=1e-6)
    assert y2 < y0                                                   # north is up


def test_points_only_where_there_are_coordinates_and_the_rest_listed():
    m = place_map([("Демянск", 57.65, 32.47), ("Лычково", 57.92, 32.4), ("Полново", None, None),
                   ("Кневицы", None, 32.0)], {"Демянск": (9, 1), "Полново": (3, 0), "Старое имя": (1, 0)})
    assert [(p.name, p.posts, p.stories) for p in m.points] == [("Демянск", 9, 1), ("Лычково", 0, 0)]
    assert m.unlocated == (("Полново", 3, 0), ("Старое имя", 1, 0))   # a name the gazetteer lost is listed too
    assert m.quiet == 1
    big, small = m.points
    assert big.r > small.r
    assert all(40 <= p.x <= 600 and 40 <= p.y <= 380 for p in m.points)


def test_close_labels_do_not_overlap():
    m = place_map([("Игожево", 57.598, 32.436), ("Придорожная", 57.601, 32.464)], {})
    a, b = sorted(m.points, key=lambda p: p.label_y)
    assert b.label_y - a.label_y >= 14


def test_the_svg_is_well_formed_and_escapes_names():
    m = place_map([('<script>"x"</script>', 57.65, 32.47), ("Лычково", 57.92, 32.4)], {"Лычково": (2, 0)})
    svg = str(map_svg(m))
    doc = minidom.parseString(svg)
    circles = doc.getElementsByTagName("circle")
    assert sorted(c.getAttribute("data-place") for c in circles) == ['<script>"x"</script>', "Лычково"]
    assert "<script>" not in svg
    titles = [c.getElementsByTagName("title")[0].firstChild.data for c in circles]
    assert "Лычково: сообщений о проблемах 2, сюжетов 0" in titles
