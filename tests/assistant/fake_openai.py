"""A fake OpenAI-compatible server on loopback that answers ``/v1/chat/completions`` from a script.

Tests (and ``bench/llm_eval.py``) start it on 127.0.0.1 with a random port and point the LLM
backend's ``base_url`` at it. Each request takes the next scripted :class:`Reply` (or asks the
``responder``): a structured answer (a tool call when the request offers tools, JSON content when
it asks for a JSON schema), malformed JSON, an HTTP error status, a refusal, or any of them after
a delay. Every request body is kept, so a test can check what was sent.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

ReplyKind = Literal["answer", "malformed", "status", "refusal"]


@dataclass(frozen=True)
class Reply:
    """One scripted reply: ``answer`` (a JSON object), ``malformed`` (raw text), ``status`` (an HTTP
    error), ``refusal`` (the model declines); ``delay`` seconds before it is sent."""

    kind: ReplyKind
    payload: Any = None
    delay: float = 0.0


def answer(data: dict[str, Any], delay: float = 0.0) -> Reply:
    return Reply("answer", data, delay)


def malformed(text: str = '{"plan": {"kind": "segment", "where": {"type": "all", "items": [') -> Reply:
    return Reply("malformed", text)


def status(code: int) -> Reply:
    return Reply("status", code)


def refusal(text: str = "I'm sorry, I can't help with that request.") -> Reply:
    return Reply("refusal", text)


Responder = Callable[[dict[str, Any]], Reply]


class FakeOpenAI:
    """The server: ``push`` replies (or set ``responder``), read ``requests`` afterwards."""

    def __init__(self, responder: Responder | None = None) -> None:
        self.script: deque[Reply] = deque()
        self.responder = responder
        self.requests: list[dict[str, Any]] = []
        self.bodies: list[str] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def push(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()  # ends any delayed reply at once
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ------------------------------------------------------------------ replies
    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self.script:
                return self.script.popleft()
        if self.responder is not None:
            return self.responder(body)
        return status(500)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
                pass

            def do_POST(self) -> None:
                text = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                body = json.loads(text)
                fake.bodies.append(text)
                reply = fake._next(body)
                if reply.delay and fake._stop.wait(reply.delay):
                    return
                if reply.kind == "status":
                    kind = "rate_limit_exceeded" if reply.payload == 429 else "server_error"
                    self._send(
                        int(reply.payload), {"error": {"message": f"scripted {reply.payload}", "type": kind}}
                    )
                    return
                self._send(200, completion(body, reply))

            def _send(self, code: int, data: dict[str, Any]) -> None:
                out = json.dumps(data).encode("utf-8")
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        return Handler


def completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A chat.completion object carrying the reply the way the request asked for structured output."""
    message: dict[str, Any] = {"role": "assistant", "content": None}
    finish = "stop"
    if reply.kind == "refusal":
        message["refusal"] = reply.payload
    else:
        text = json.dumps(reply.payload) if reply.kind == "answer" else str(reply.payload)
        tools = body.get("tools") or []
        if tools:
            name = tools[0]["function"]["name"]
            message["tool_calls"] = [
                {"id": "call_1", "type": "function", "function": {"name": name, "arguments": text}}
            ]
            finish = "tool_calls"
        else:
            message["content"] = text
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def request_text(body: dict[str, Any]) -> str:
    """The marketer's request in a chat request: the last user message."""
    for m in reversed(body.get("messages", [])):
        if m.get("role") == "user":
            content = m.get("content")
            return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)
    return ""
