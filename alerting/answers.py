"""Answers to a risk in the seed's report format, parsed from a staff reply to an alert card. Pure.

The Порядок asks the employee to report «as a comment with the answer's text and the platforms where it is
published, plus links to the publications». We accept, in any order:

    Подвоз воды организован у школы, восстановление к 18:00.      <- the answer's text (everything else)
    Площадки: ВКонтакте, Telegram                                  <- optional; else inferred from the links
    https://vk.com/wall-193847201_7322  https://t.me/demyansk/55   <- one or more links (required)

Links to posts we collect are turned into posts.uid candidates (vk:-193847201_7322, tg:demyansk_55); the
store adapter keeps those it knows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

URL = re.compile(r"(?:https?://)?(?:www\.|m\.)?(?:[\w-]+\.)+[a-zа-я]{2,}(?:/[^\s<>«»\"']*)?", re.IGNORECASE)
PLATFORM_LINE = re.compile(r"^\s*(площадк[иа]|платформ[ыа]|где опубликовано|опубликовано)\s*[:\-—]\s*(.+)$",
                           re.IGNORECASE | re.MULTILINE)
DOMAINS = {"vk.com": "ВКонтакте", "vk.ru": "ВКонтакте", "t.me": "Telegram", "ok.ru": "Одноклассники",
           "max.ru": "MAX", "dzen.ru": "Дзен", "gosuslugi.ru": "Госуслуги"}
MIN_TEXT = 10


@dataclass(frozen=True)
class Parsed:
    text: str
    platforms: tuple[str, ...]
    links: tuple[str, ...]
    uids: tuple[str, ...]          # candidate posts.uid for the links

    @property
    def missing(self) -> list[str]:
        out = []
        if len(self.text) < MIN_TEXT:
            out.append("текст ответа")
        if not self.links:
            out.append("ссылки на публикации")
        return out


def normalise_link(link: str) -> str:
    link = link.rstrip(".,;:!?)")
    return link if link.lower().startswith(("http://", "https://")) else "https://" + link


def domain(link: str) -> str:
    host = (urlsplit(link).hostname or "").lower()
    for prefix in ("www.", "m."):
        host = host.removeprefix(prefix)
    return host


def link_uid(link: str) -> str | None:
    """https://vk.com/wall-193847201_7322 -> vk:-193847201_7322 (with ?reply=7324 -> ..._c7324);
    https://t.me/demyansk_chat/118432 -> tg:demyansk_chat_118432; anything else -> None."""
    parts = urlsplit(link)
    host = domain(link)
    if host in ("vk.com", "vk.ru"):
        m = re.fullmatch(r"/wall(-?\d+)_(\d+)", parts.path)
        if not m:
            m2 = re.search(r"w=wall(-?\d+)_(\d+)", parts.query)
            return f"vk:{m2.group(1)}_{m2.group(2)}" if m2 else None
        reply = parse_qs(parts.query).get("reply", [None])[0]
        return f"vk:{m.group(1)}_{m.group(2)}" + (f"_c{reply}" if reply and reply.isdigit() else "")
    if host == "t.me":
        m = re.fullmatch(r"/(?:s/)?([A-Za-z][\w]{3,})/(\d+)/?", parts.path)
        return f"tg:{m.group(1)}_{m.group(2)}" if m else None
    return None


def parse_reply(text: str) -> Parsed:
    """The answer's text, platforms and links from a staff reply."""
    platforms: list[str] = []
    for m in PLATFORM_LINE.finditer(text):
        platforms += [p.strip(" .") for p in re.split(r"[,;]", URL.sub("", m.group(2))) if p.strip(" .")]
    body = PLATFORM_LINE.sub("", text)
    links: list[str] = []

    def take(m: re.Match) -> str:
        link = normalise_link(m.group(0))
        if "/" in link.split("://", 1)[1] or domain(link) in DOMAINS:
            links.append(link)
            return " "
        return m.group(0)

    body = URL.sub(take, body)
    links = list(dict.fromkeys(links))
    clean = " ".join(line.strip() for line in body.splitlines() if line.strip())
    clean = re.sub(r"\s+", " ", clean).strip(" -—:")
    if not platforms:
        platforms = [DOMAINS.get(domain(link), domain(link)) for link in links]
    return Parsed(clean, tuple(dict.fromkeys(platforms)), tuple(links),
                  tuple(u for u in (link_uid(link) for link in links) if u))


def missing_text(parsed: Parsed) -> str:
    """The reply to an incomplete answer, in Russian."""
    return ("Ответ не зарегистрирован: не хватает — " + ", ".join(parsed.missing) + ".\n"
            "Ответьте на карточку риска одним сообщением: текст ответа жителям, площадки, где он опубликован "
            "(«Площадки: ВКонтакте, Telegram»), и ссылки на публикации.")
