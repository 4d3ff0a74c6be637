"""Extensions found through the ``qa.plugins`` entry point group (the Slack bot is one).

The core never imports them by name. An entry point names an object (a module will do)
that implements :class:`Plugin`; each hook receives the parts the entry point already
built (qa.runtime), never builds its own.
"""

from __future__ import annotations

import argparse
import logging
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from fastapi import FastAPI

    from qa.models import Answer
    from qa.settings import Settings

logger = logging.getLogger(__name__)


class Asker(Protocol):
    """What a plugin answers through: the answer service's ``ask`` (under `qa serve`, with
    each answer counted in the app's metrics)."""

    def ask(self, question: str, top_k: int | None = None) -> Answer: ...


class Handle(Protocol):
    """Something running in the background until closed."""

    def close(self) -> None: ...


@runtime_checkable
class Plugin(Protocol):
    def mount_http(self, app: FastAPI, asker: Asker, settings: Settings) -> bool:
        """Add routes to the HTTP API; True when something was mounted."""
        ...

    def start_background(self, asker: Asker, settings: Settings) -> Handle | None:
        """Start work that runs beside `qa serve` (Socket Mode), or None."""
        ...

    def add_cli(self, subparsers: Any) -> None:
        """Add `qa` subcommands; handlers are called as ``handler(args, settings)``."""
        ...


def load_plugins() -> list[Plugin]:
    plugins = []
    for ep in entry_points(group="qa.plugins"):
        try:
            plugin = ep.load()
        except Exception:  # a broken plugin must not take the core down
            logger.exception("could not load plugin %s", ep.name)
            continue
        if isinstance(plugin, Plugin):
            plugins.append(plugin)
        else:
            logger.error("plugin %s does not implement qa.plugins.Plugin; ignored", ep.name)
    return plugins


def mount_http_plugins(app: FastAPI, asker: Asker, settings: Settings) -> None:
    for plugin in load_plugins():
        plugin.mount_http(app, asker, settings)


def start_background_plugins(asker: Asker, settings: Settings) -> list[Handle]:
    handles = [plugin.start_background(asker, settings) for plugin in load_plugins()]
    return [handle for handle in handles if handle is not None]


def add_cli_plugins(subparsers: argparse._SubParsersAction) -> None:
    for plugin in load_plugins():
        plugin.add_cli(subparsers)
