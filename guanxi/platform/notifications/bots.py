"""Group bot webhooks of 企业微信 (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu / Lark).

Each service's documented JSON body and signature (docs/notifications.md). Only the standard
library: one POST with a timeout; retries belong to the task queue, not to this module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.utils.translation import gettext as _

from guanxi.core.errors import ServiceValidationError
from guanxi.platform.notifications.models import BotService

TIMEOUT_SECONDS = 10
MAX_TEXT = 4000  # WeCom takes 2048 bytes of markdown, DingTalk and Feishu more: stay well under
MAX_RESPONSE = 64 * 1024


class BotDeliveryError(Exception):
    """The service refused the post or could not be reached; worth trying again later."""


def validate_webhook_url(url: str) -> str:
    url = url.strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ServiceValidationError.for_field(
            "webhook_url", _("Enter the bot's full webhook address, starting with https://.")
        )
    if parts.username or parts.password or len(url) > 500:
        raise ServiceValidationError.for_field(
            "webhook_url", _("This is not a webhook address the bot service gives out.")
        )
    return url


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}")), URL-encoded."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu: base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")), the string as key."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def build_request(
    service: str, url: str, text: str, *, secret: str = "", now: float
) -> tuple[str, dict[str, Any]]:
    """The address to post to and the JSON body, for ``text`` sent at ``now`` (epoch seconds)."""
    text = text[:MAX_TEXT]
    if service == BotService.WECOM:
        return url, {"msgtype": "text", "text": {"content": text}}
    if service == BotService.DINGTALK:
        if secret:
            timestamp = int(now * 1000)
            separator = "&" if urllib.parse.urlsplit(url).query else "?"
            url = f"{url}{separator}timestamp={timestamp}&sign={dingtalk_sign(secret, timestamp)}"
        return url, {"msgtype": "text", "text": {"content": text}}
    if service == BotService.FEISHU:
        body: dict[str, Any] = {}
        if secret:
            timestamp = int(now)
            body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp)}
        body |= {"msg_type": "text", "content": {"text": text}}
        return url, body
    raise ValueError(f"Unknown bot service {service!r}")


def _refusal(answer: Any) -> str | None:
    """The service's own error in a 200 answer: WeCom/DingTalk ``errcode``, Feishu ``code``."""
    if not isinstance(answer, dict):
        return None
    for code_key, message_key in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "msg")):
        code = answer.get(code_key)
        if code not in (None, 0, "0"):
            return f"{code_key} {code}: {answer.get(message_key, '')}"
    return None


def post(url: str, body: dict[str, Any], *, timeout: float = TIMEOUT_SECONDS) -> None:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (the scheme was checked when the bot was saved)
        validate_webhook_url(url),
        data=data,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read(MAX_RESPONSE)
    except urllib.error.HTTPError as exc:
        raise BotDeliveryError(f"HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise BotDeliveryError(f"{type(exc).__name__}: {exc}") from exc
    try:
        answer = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError):
        answer = None
    refusal = _refusal(answer)
    if refusal:
        raise BotDeliveryError(refusal)
