"""Extensions found through the ``qa.plugins`` entry point group (the Slack bot is one).

The core never imports them by name; a plugin module may define
``mount_http(app, service, settings)``, ``start_socket_mode(service, settings)`` and
``add_cli(subparsers, run)``.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points
from types import ModuleType

logger = logging.getLogger(__name__)


def load_plugins() -> list[ModuleType]:
    modules = []
    for ep in entry_points(group="qa.plugins"):
        try:
            modules.append(ep.load())
        except Exception:  # a broken plugin must not take the core down
            logger.exception("could not load plugin %s", ep.name)
    return modules


def mount_http_plugins(app, service, settings) -> None:
    for plugin in load_plugins():
        if hasattr(plugin, "mount_http"):
            plugin.mount_http(app, service, settings)


def start_background_plugins(service, settings) -> list:
    handles = []
    for plugin in load_plugins():
        if hasattr(plugin, "start_socket_mode"):
            handle = plugin.start_socket_mode(service, settings)
            if handle is not None:
                handles.append(handle)
    return handles


def add_cli_plugins(subparsers) -> None:
    for plugin in load_plugins():
        if hasattr(plugin, "add_cli"):
            plugin.add_cli(subparsers, None)
