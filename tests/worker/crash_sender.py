"""A worker process killed just after a provider took a delivery, before its commit.

Usage: crash_sender.py SETTINGS_JSON MARKER_FILE NOW_ISO [PROVIDER]. It runs the real handlers
with the real channels and Slack client; the first delivery to PROVIDER (``email``, the default,
or ``slack``) to be handed over (the SMTP server accepted the page, Slack answered 200 to
``chat.postMessage``) tells the test (MARKER_FILE) and hangs until the test SIGKILLs the
process. Other deliveries go through as usual."""

import json
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from tocsin import bootstrap
from tocsin.adapters.clock import ManualClock
from tocsin.config import Settings
from tocsin.worker.runner import Worker


class HangAfterPosting:
    def __init__(self, api, marker):
        self._api = api
        self._marker = marker

    def __getattr__(self, name):
        return getattr(self._api, name)

    def post_card(self, channel, card):
        posted = self._api.post_card(channel, card)
        Path(self._marker).write_text(f"slack:{posted.ts}")  # Slack has it; nothing is committed
        time.sleep(120)
        return posted


class HangAfterSending:
    def __init__(self, channel, marker):
        self.name = channel.name
        self._channel = channel
        self._marker = marker

    def send(self, notification, key):
        reference = self._channel.send(notification, key)
        Path(self._marker).write_text(notification.key)  # the server has it; nothing is committed
        time.sleep(120)
        return reference


def main(settings_json: str, marker: str, now: str, provider: str = "email") -> None:
    settings = Settings.model_validate(json.loads(settings_json))
    container = bootstrap.build(settings, clock=ManualClock(datetime.fromisoformat(now)))
    services = container.services
    channels = {
        name: HangAfterSending(c, marker) if name == provider else c
        for name, c in services.paging.channels.items()
    }
    worker = Worker(container, worker_id="doomed", concurrency=1)  # one page in flight when killed
    slack = services.slack
    if slack is not None and provider == "slack":
        slack = replace(slack, api=HangAfterPosting(slack.api, marker))
    paging = replace(services.paging, channels=channels)
    worker._services = replace(services, paging=paging, slack=slack)
    while worker.run_once():  # until the hang (the provider's delivery may not be in the first batch)
        pass


if __name__ == "__main__":
    main(*sys.argv[1:5])
