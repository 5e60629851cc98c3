"""A CAP file a centre member drops into a Slack centre channel (#17): fetched and read as
the message's text, the same path as a pasted document or a file on Telegram.

Only in a centre channel and only from a centre member is a file looked at at all; its
size (as Slack states it) is checked before anything is downloaded; the download sends the
bot token (Authorization: Bearer) only to Slack's own file host, so a forged URL cannot
collect it. A file that is too big, cannot be fetched or is not XML is answered with the
reason, to the person who dropped it.
"""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any, Callable

import aiohttp
import yarl
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.texts import SlackTexts
from adapters.slack.updates import CAP_FILE_LIMIT, PLATFORM, cap_file, needs_file_info, xml_text
from config.organisation import Organisation
from core.events import ConversationRef

log = logging.getLogger(__name__)

SLACK_FILE_HOSTS = frozenset({"files.slack.com"})
DOWNLOAD_TIMEOUT = aiohttp.ClientTimeout(total=30)
FILES_REMEMBERED = 1000  # a drop comes as a file_share message and a file_shared event: read once


class Refused(Exception):
    """The file is not read; `answer` says why, to the person who dropped it."""

    def __init__(self, answer: str):
        super().__init__(answer)
        self.answer = answer


class CapFiles:
    def __init__(self, client: AsyncWebClient, texts: SlackTexts, api_url: str | None,
                 session: Callable[[], aiohttp.ClientSession | None]):
        self.client = client
        self.texts = texts
        self.organisation: Organisation | None = None
        self._session = session
        # The Web API's host serves files too where Slack is not slack.com (a test's fake).
        api_host = yarl.URL(api_url).host if api_url else None
        self._hosts = SLACK_FILE_HOSTS | ({api_host} if api_host else set())
        self._taken: OrderedDict[str, None] = OrderedDict()

    def from_centre_member(self, channel: str, user: str) -> bool:
        org = self.organisation
        return org is not None and org.centre_member_in_centre(ConversationRef(PLATFORM, channel), user)

    def take(self, file_id: str) -> bool:
        """True the first time a file is seen (call before any await: both events race)."""
        if file_id in self._taken:
            return False
        self._taken[file_id] = None
        while len(self._taken) > FILES_REMEMBERED:
            self._taken.popitem(last=False)
        return True

    async def info(self, file_id: str) -> dict[str, Any] | None:
        try:
            response = await self.client.files_info(file=file_id)
        except (SlackApiError, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("files.info %s failed: %s", file_id, exc)
            return None
        file = response.get("file")
        return file if isinstance(file, dict) else None

    async def document(self, file: dict[str, Any]) -> str | None:
        """The CAP document the file holds, as text; None when files.info shows it is no XML
        file at all (a photo, a PDF: not ours to answer); raises Refused with the answer to give."""
        if needs_file_info(file):
            file = await self.info(str(file.get("id"))) or {}
            if not file:
                raise Refused(self._refusal("not_fetched", "files.info"))
            if cap_file([file]) is None or needs_file_info(file):
                return None
        size = file.get("size")
        if not isinstance(size, int) or size > CAP_FILE_LIMIT:
            raise Refused(self._refusal("too_large", f"{size} > {CAP_FILE_LIMIT} bytes"))
        content = await self._download(str(file.get("url_private") or ""))
        if len(content) > CAP_FILE_LIMIT:  # Slack's size was wrong: not read past the limit
            raise Refused(self._refusal("too_large", f"> {CAP_FILE_LIMIT} bytes"))
        text = xml_text(content)
        if text is None:
            raise Refused(self._refusal("not_xml", str(file.get("name") or "")))
        return text

    async def _download(self, url: str) -> bytes:
        parsed = yarl.URL(url)
        if parsed.host not in self._hosts:
            log.warning("CAP file URL %s is not Slack's: the token is not sent there", parsed.host)
            raise Refused(self._refusal("not_fetched", str(parsed.host)))
        session = self._session()
        if session is None:
            raise Refused(self._refusal("not_fetched", "not connected"))
        headers = {"Authorization": f"Bearer {self.client.token}"}
        try:
            async with session.get(parsed, headers=headers, allow_redirects=False,
                                   timeout=DOWNLOAD_TIMEOUT) as response:
                if response.status != 200 or response.content_type == "text/html":
                    # Slack's sign-in page instead of the file: the app lacks files:read.
                    raise Refused(self._refusal("not_fetched", f"HTTP {response.status} {response.content_type}"))
                chunks, size = [], 0
                while size <= CAP_FILE_LIMIT and (chunk := await response.content.read(CAP_FILE_LIMIT + 1 - size)):
                    chunks.append(chunk)
                    size += len(chunk)
                return b"".join(chunks)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("CAP file %s not downloaded: %s", url, exc)
            raise Refused(self._refusal("not_fetched", type(exc).__name__)) from None

    def _refusal(self, reason: str, detail: str) -> str:
        return self.texts("cap.refused", reason=self.texts(f"cap.refused.{reason}", detail=detail))
