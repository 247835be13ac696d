"""`dozor` — the command line, one module per command group, registered from one list (GROUPS).

    dozor demo | replay | alerts | sql                 pipeline/commands/replay.py (demo: demo.py)
    dozor classifiers ...                              classifiers.py
    dozor run | sources check|status|login             run.py
    dozor bot | campaigns                              chat.py
    dozor digest | storage apply-ttl                   digest.py
    dozor worker | publish | sink                      stream.py
    dozor serve | console                              serve.py

The commands are the composition root: they build the settings (once), open the store (storage.open_store) and
the stages (pipeline/stages.py). Nothing else imports a command module. What a user did wrong (a DozorError, a
refused setting, an unreachable database or bot) is one Russian line and exit code 2; anything else is a bug
and shows its traceback.
"""
from __future__ import annotations

import argparse
import logging
import sys

from pipeline.commands import chat, classifiers, digest, replay, run, serve, stream

GROUPS = (replay, classifiers, run, chat, digest, stream, serve)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dozor", description="Дозор: мониторинг информационных рисков для МЦУ")
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO")
    sub = p.add_subparsers(dest="command", required=True)
    for group in GROUPS:
        group.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from clickhouse_connect.driver.exceptions import ClickHouseError
    from pydantic import ValidationError

    from alerting.bot_api import BotApiError
    from classifiers.registry import ArtifactError
    from core.settings import Settings
    from storage.clickhouse import StoreError
    try:
        settings = Settings()
        return args.func(args, settings)
    except StoreError as e:
        print(f"Ошибка: {e}", file=sys.stderr)
        return 2
    except ClickHouseError as e:
        print(f"Ошибка ClickHouse: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    except BotApiError as e:
        print(f"Ошибка Telegram: {e} (проверьте DOZOR_TELEGRAM__BOT_TOKEN и DOZOR_TELEGRAM__BOT_API_BASE)",
              file=sys.stderr)
        return 2
    except ValidationError as e:
        print(f"Ошибка в настройках (DOZOR_*, файл настроек):\n{e}", file=sys.stderr)
        return 2
    except (ArtifactError, ValueError, OSError) as e:
        print(f"Ошибка: {e}", file=sys.stderr)
        return 2
