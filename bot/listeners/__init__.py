"""Every listener is registered here, in one place (bolt's starter-template shape)."""

from __future__ import annotations

from slack_bolt import App

from bot.deps import BotDeps
from bot.listeners import actions, commands, events, middleware


def register(app: App, deps: BotDeps) -> None:
    """Attach the global middleware and all listeners to ``app``."""
    middleware.register(app, deps)
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
