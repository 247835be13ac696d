"""`dozor` — the command line, one module per command group, registered from one list (GROUPS).

    dozor demo                                         pipeline/commands/demo.py
    dozor replay | alerts | sql                        replay.py
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
import atexit
import gc
import logging
import sys

from clickhouse_connect.driver.exceptions import ClickHouseError
from pydantic import ValidationError

from core.errors import DozorError
from core.settings import Settings
from pipeline.commands import answers, appeals, chat, classifiers, demo, digest, replay, run, serve, stream

log = logging.getLogger("dozor")
SETTINGS_PROBLEMS = {"extra_forbidden": "такой настройки нет (опечатка в имени?)",
                     "missing": "настройка обязательна", "int_parsing": "нужно целое число",
                     "float_parsing": "нужно число", "bool_parsing": "нужно true или false"}

GROUPS = (demo, replay, classifiers, run, chat, digest, stream, serve, answers, appeals)

# At exit all a command built (models, vocabularies, caches, the gazetteer) is dropped at once, and the interpreter's
# last garbage collections walked every object of it: ~0.2-0.4 s of a replay's exit. Frozen, the objects are left
# out of those walks and still freed by reference counting; the few in cycles go with the process. At exit only,
# so a process that runs many commands (the tests) keeps collecting as usual.
atexit.register(gc.freeze)


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
    try:
        settings = Settings()
        return args.func(args, settings)
    except DozorError as e:                   # StoreError, ArtifactError, BotApiError, ConfigError, ...
        print(f"{e.title}: {e}" + (f" ({e.hint})" if e.hint else ""), file=sys.stderr)
        return 2
    except ValidationError as e:
        print(settings_error_text(e), file=sys.stderr)
        return 2
    except ClickHouseError as e:              # the server refused a statement (`dozor sql` with a typo, ...)
        print(f"Ошибка ClickHouse: {str(e).splitlines()[0]}", file=sys.stderr)
        return 2
    except OSError as e:                      # a path given or configured: missing, unreadable, disk full
        print(f"Ошибка: {e}", file=sys.stderr)
        return 2
    except Exception:
        log.exception("Внутренняя ошибка Дозора (это ошибка программы, а не ваша): сообщите разработчикам, "
                      "приложив этот текст")
        return 1


def settings_error_text(e: ValidationError) -> str:
    """The settings' problems without the values given: a mistyped secret variable must not be echoed."""
    lines = []
    for err in e.errors(include_input=False, include_url=False, include_context=False):
        path = [str(part) for part in err["loc"]]
        where = f"DOZOR_{'__'.join(path).upper()} (в файле настроек: {'.'.join(path)})"
        lines.append(f"  {where}: {SETTINGS_PROBLEMS.get(err['type'], err['msg'])}")
    return "Ошибка в настройках (переменные DOZOR_*, файл настроек):\n" + "\n".join(lines)
