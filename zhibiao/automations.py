"""`zhibiao automations apply`: the Prefect automations of automations.yaml, on the server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from uuid import UUID

import yaml

from zhibiao.notify import BLOCK_ENV, WEBHOOK_ENV, NotifyError, load_block

AUTOMATIONS_FILE = Path(__file__).resolve().parents[1] / "automations.yaml"
NOTIFIER = "zhibiao-notifier"  # the placeholder of automations.yaml for the block's id
WEBHOOK_BLOCK = "zhibiao-webhook"  # the custom-webhook block apply makes from the URL


def notifier_id(env: dict[str, str] | None = None) -> UUID:
    """The notification block of the alerts' channel (notify.py): the webhook wins, as it
    does for alerts. The URL goes into the block's secrets, not its visible fields: whoever
    has it can post to the channel."""
    env = os.environ if env is None else env
    url = env.get(WEBHOOK_ENV)
    if url:
        from prefect.blocks.notifications import CustomWebhookNotificationBlock

        block = CustomWebhookNotificationBlock(
            name="zhibiao",
            url="{{webhook}}",
            json_data={"text": "{{subject}}\n{{body}}"},
            secrets={"webhook": url},
        )
        return block.save(WEBHOOK_BLOCK, overwrite=True)
    if env.get(BLOCK_ENV):
        return load_block(env[BLOCK_ENV])._block_document_id
    raise NotifyError(f"set {WEBHOOK_ENV} or {BLOCK_ENV}: the automations notify through it")


def specs(path: Path, block_id: UUID) -> list[dict[str, Any]]:
    """The automations of the file, the notifier placeholder replaced by the block's id."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for spec in data["automations"]:
        for action in spec["actions"]:
            if action.get("block_document_id") == NOTIFIER:
                action["block_document_id"] = str(block_id)
        out.append(spec)
    return out


def apply(path: Path = AUTOMATIONS_FILE) -> list[tuple[str, UUID]]:
    """Create each automation, replacing those of the same name: (name, id) of each."""
    from prefect.client.orchestration import get_client
    from prefect.events.schemas.automations import AutomationCore

    automations = [AutomationCore.model_validate(s) for s in specs(path, notifier_id())]
    created = []
    with get_client(sync_client=True) as client:
        for automation in automations:
            for old in client.read_automations_by_name(automation.name):
                client.delete_automation(old.id)
            created.append((automation.name, client.create_automation(automation)))
    return created
