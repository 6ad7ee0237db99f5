"""A local fake of the Freepik AI API (docs/PROVIDERS.md): a real HTTP server on 127.0.0.1.

It follows the contract closely enough for the client to be tested end to end over
real sockets: API-key header check (401), request validation (400), PNG images made
with Pillow (sized per image.size / aspect_ratio, deterministic per seed), async
tasks with polling and result files served over HTTP, and injectable faults:
error statuses (with or without Retry-After), slow answers, dropped connections,
malformed JSON; tasks that fail, are cancelled, never finish or are flagged NSFW.
Images are drawn in the request's `styling.colors` (as the real model mostly keeps to
them), in random colours when none are given or after `drift()` (colours that stray
from the palette, what a brand-compliance repair has to deal with).

Use the `fake_freepik` fixture (`pytest_plugins = ("tests.fake_freepik",)`), or
`running_fake_freepik()` as a context manager.
"""

import base64
import io
import json
import random
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PIL import Image, ImageDraw

API_KEY = "fake-freepik-key-7d1e"
API_KEY_HEADER = "x-freepik-api-key"
MAX_BODY_BYTES = 1_000_000
TEXT_TO_IMAGE = "/v1/ai/text-to-image"
TASK_ENDPOINTS = {"/v1/ai/mystic": "mystic", "/v1/ai/text-to-image/flux-dev": "flux-dev"}

# Real sizes are ~1024 px; small ones with the true aspect keep tests fast.
SIZES = {
    "square_1_1": (256, 256),
    "social_story_9_16": (144, 256),
    "social_post_4_5": (205, 256),
    "widescreen_16_9": (256, 144),
    "classic_4_3": (256, 192),
    "traditional_3_4": (192, 256),
    "standard_3_2": (256, 171),
    "portrait_2_3": (171, 256),
    "horizontal_2_1": (256, 128),
    "vertical_1_2": (128, 256),
    "social_5_4": (256, 205),
}
MODEL_ASPECTS = {"mystic": set(SIZES), "flux-dev": set(SIZES) - {"social_5_4"}}
_HEX = re.compile(r"^#[0-9A-F]{6}$")


@dataclass(frozen=True)
class Fault:
    """What to do instead of (or before) the normal answer to one request."""

    status: int | None = None  # answer with this error status and {"message": ...}
    message: str = "Injected fault"
    retry_after: str | None = None  # Retry-After header value
    delay_s: float = 0.0  # wait this long first (longer than the client's timeout)
    drop: bool = False  # close the connection without any response
    raw_body: bytes | None = None  # answer 200 with this (non-JSON) body

    @classmethod
    def error(cls, status: int, message: str = "", retry_after: str | None = None) -> "Fault":
        return cls(status=status, message=message or f"Injected {status}", retry_after=retry_after)

    @classmethod
    def slow(cls, delay_s: float) -> "Fault":
        return cls(delay_s=delay_s)

    @classmethod
    def dropped(cls) -> "Fault":
        return cls(drop=True)

    @classmethod
    def malformed(cls) -> "Fault":
        return cls(raw_body=b'{"data": [ this is not JSON')


@dataclass
class _QueuedFault:
    fault: Fault
    method: str | None
    path: str | None
    path_prefix: str | None
    remaining: int

    def matches(self, method: str, path: str) -> bool:
        return (
            (self.method is None or self.method == method)
            and (self.path is None or self.path == path)
            and (self.path_prefix is None or path.startswith(self.path_prefix))
        )


@dataclass(frozen=True)
class TaskPlan:
    """How the next created task behaves."""

    polls_before_done: int = 1  # IN_PROGRESS answers before the final status
    final: str | None = "COMPLETED"  # "FAILED", "CANCELLED", or None: never finishes
    nsfw: bool = False
    result_urls: tuple[str, ...] | None = None  # override generated URLs


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    json: Any


@dataclass
class _Task:
    task_id: str
    model: str
    plan: TaskPlan
    image: bytes
    polls: int = 0


@dataclass
class FakeFreepik:
    api_key: str = API_KEY
    api_key_header: str = API_KEY_HEADER
    base_url: str = ""
    tasks: dict[str, _Task] = field(default_factory=dict)
    _requests: list[RecordedRequest] = field(default_factory=list)
    _faults: list[_QueuedFault] = field(default_factory=list)
    _plans: list[TaskPlan] = field(default_factory=list)
    _nsfw_next: int = 0
    _drift_next: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    # -- control (from tests) -----------------------------------------------------

    def start(self) -> None:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True  # a slow handler never blocks teardown
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        # a short poll interval keeps shutdown() (and so each test's teardown) quick
        serve = lambda: self._server.serve_forever(poll_interval=0.02)  # noqa: E731
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping in a slow fault
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def host(self) -> str:
        return self.base_url.removeprefix("http://")

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def api_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith("/v1/")]

    @property
    def file_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.startswith("/files/")]

    def queue_fault(
        self,
        fault: Fault,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        path_prefix: str | None = None,
    ) -> None:
        """Apply `fault` to the next `times` requests matching method and path."""
        with self._lock:
            self._faults.append(_QueuedFault(fault, method, path, path_prefix, times))

    def plan_task(self, plan: TaskPlan) -> None:
        """The next created task follows `plan` (default: COMPLETED after one poll)."""
        with self._lock:
            self._plans.append(plan)

    def flag_nsfw(self, times: int = 1) -> None:
        """The next `times` text-to-image answers flag their images has_nsfw."""
        with self._lock:
            self._nsfw_next += times

    def drift(self, times: int = 1) -> None:
        """The next `times` generation calls ignore styling.colors (random colours)."""
        with self._lock:
            self._drift_next += times

    def _colors(self, body: Any) -> list[tuple[int, int, int]]:
        """The colours to draw with: the request's, or none (random) when drifting."""
        with self._lock:
            drifting = self._drift_next > 0
            self._drift_next -= 1 if drifting else 0
        if drifting:
            return []
        colors = sorted((body.get("styling") or {}).get("colors") or [], key=lambda c: -c["weight"])
        return [tuple(int(c["color"][i : i + 2], 16) for i in (1, 3, 5)) for c in colors]

    # -- serving (from handler threads) -------------------------------------------

    def _pause(self, seconds: float) -> None:
        """A slow answer's delay, cut short when the server stops. Short sleeps, not an
        Event's timed wait: under libfaketime (make test-dates) a timed wait's deadline
        is taken on the shifted clock and never comes, while sleep keeps real time."""
        deadline = time.monotonic() + seconds
        while not self._stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for queued in self._faults:
                if queued.remaining > 0 and queued.matches(method, path):
                    queued.remaining -= 1
                    return queued.fault
        return None

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _answer(self, method: str, path: str, headers: dict[str, str], body: Any) -> "_Reply":
        if path.startswith("/files/"):
            return self._file(path)
        given = headers.get(self.api_key_header.lower())
        if not given:
            return _Reply.error(401, "Missing API key")
        if given != self.api_key:
            return _Reply.error(401, "Invalid API key")
        if method == "POST" and path == TEXT_TO_IMAGE:
            return self._text_to_image(body)
        if method == "POST" and path in TASK_ENDPOINTS:
            return self._create_task(TASK_ENDPOINTS[path], body)
        model_path, _, task_id = path.rpartition("/")
        if method == "GET" and model_path in TASK_ENDPOINTS:
            return self._poll(task_id)
        return _Reply.error(404, "Not found")

    def _text_to_image(self, body: Any) -> "_Reply":
        problem = _validate_common(body)
        if problem:
            return _Reply.error(400, problem)
        count = body.get("num_images", 1)
        if not isinstance(count, int) or not 1 <= count <= 4:
            return _Reply.error(400, "Parameter 'num_images' must be between 1 and 4")
        size = (body.get("image") or {}).get("size", "square_1_1")
        if size not in SIZES:
            return _Reply.error(400, f"Parameter 'image.size' is not valid: {size}")
        seed = body.get("seed", 0)
        if not isinstance(seed, int) or not 0 <= seed <= 1_000_000:
            return _Reply.error(400, "Parameter 'seed' must be between 0 and 1000000")
        with self._lock:
            nsfw = self._nsfw_next > 0
            self._nsfw_next -= 1 if nsfw else 0
        width, height = SIZES[size]
        colors = self._colors(body)
        data = [
            {"base64": _b64(png_image(width, height, seed + i, colors)), "has_nsfw": nsfw}
            for i in range(count)
        ]
        meta = {"image": {"size": size, "width": width, "height": height}, "seed": seed}
        return _Reply.json(200, {"data": data, "meta": meta})

    def _create_task(self, model: str, body: Any) -> "_Reply":
        problem = _validate_common(body)
        if problem:
            return _Reply.error(400, problem)
        aspect = body.get("aspect_ratio", "square_1_1")
        if aspect not in MODEL_ASPECTS[model]:
            return _Reply.error(400, f"Parameter 'aspect_ratio' is not valid: {aspect}")
        with self._lock:
            plan = self._plans.pop(0) if self._plans else TaskPlan()
            number = len(self.tasks) + 1
        task_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-freepik-task-{number}"))
        width, height = SIZES[aspect]
        image = png_image(width, height, body.get("seed", number), self._colors(body))
        with self._lock:
            self.tasks[task_id] = _Task(task_id, model, plan, image)
        created = {"task_id": task_id, "status": "CREATED", "generated": []}
        return _Reply.json(200, {"data": created})

    def _poll(self, task_id: str) -> "_Reply":
        with self._lock:
            task = self.tasks.get(task_id)
            if task is None:
                return _Reply.error(404, "Task not found")
            task.polls += 1
            plan = task.plan
            running = plan.final is None or task.polls <= plan.polls_before_done
        data: dict[str, Any] = {"task_id": task_id, "status": "IN_PROGRESS", "generated": []}
        if not running:
            data["status"] = plan.final
            if plan.final == "COMPLETED":
                default = (f"{self.base_url}/files/{task_id}/0.png",)
                data["generated"] = list(plan.result_urls or default)
                data["has_nsfw"] = [plan.nsfw] * len(data["generated"])
        return _Reply.json(200, {"data": data})

    def _file(self, path: str) -> "_Reply":
        if path == "/files/redirect":
            return _Reply(302, b"", {"Location": "https://evil.example.com/x.png"})
        parts = path.split("/")  # "", "files", task_id, "0.png"
        task = self.tasks.get(parts[2]) if len(parts) == 4 else None
        if task is None:
            return _Reply.error(404, "File not found")
        return _Reply(200, task.image, {"Content-Type": "image/png"})


@dataclass(frozen=True)
class _Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> "_Reply":
        content = {"Content-Type": "application/json", **(headers or {})}
        return cls(status, json.dumps(payload).encode(), content)

    @classmethod
    def error(cls, status: int, message: str, retry_after: str | None = None) -> "_Reply":
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls.json(status, {"message": message}, headers)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeFreepik
    protocol_version = "HTTP/1.1"  # keep-alive, like the real API
    # headers and body leave in one write, without Nagle's delay: no 40 ms stalls
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet test output

    def _handle(self, method: str) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY_BYTES)
        raw = self.rfile.read(length) if length else b""
        body = _parse_json(raw)
        headers = {name.lower(): value for name, value in self.headers.items()}
        path = self.path.split("?", 1)[0]
        self.fake._record(RecordedRequest(method, path, headers, body))
        fault = self.fake._take_fault(method, path)
        if fault is not None and fault.delay_s:
            self.fake._pause(fault.delay_s)
        if fault is not None and fault.drop:
            self.close_connection = True  # no status line at all: the client sees EOF
            return
        if fault is not None and fault.status is not None:
            reply = _Reply.error(fault.status, fault.message, fault.retry_after)
        elif fault is not None and fault.raw_body is not None:
            reply = _Reply(200, fault.raw_body, {"Content-Type": "application/json"})
        elif raw and body is None:
            reply = _Reply.error(400, "Request body is not valid JSON")
        else:
            reply = self.fake._answer(method, path, headers, body)
        self._send(reply)

    def _send(self, reply: _Reply) -> None:
        try:
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout): nothing to do


def _parse_json(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _validate_common(body: Any) -> str | None:
    """The checks every generation endpoint makes; the 400 message, or None."""
    if not isinstance(body, dict):
        return "Request body must be a JSON object"
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or len(prompt) < 3:
        return "Parameter 'prompt' must be at least 3 characters"
    negative = body.get("negative_prompt")
    if negative is not None and (not isinstance(negative, str) or len(negative) < 3):
        return "Parameter 'negative_prompt' must be at least 3 characters"
    for color in (body.get("styling") or {}).get("colors") or []:
        weight = color.get("weight")
        if not _HEX.match(str(color.get("color"))) or not (
            isinstance(weight, int | float) and 0.05 <= weight <= 1
        ):
            return f"Parameter 'styling.colors' is not valid: {color}"
    return None


def png_image(
    width: int, height: int, seed: int, colors: list[tuple[int, int, int]] | None = None
) -> bytes:
    """A PNG that is the same for the same seed, size and colours, different across seeds:
    a field in the first colour with four rectangles in the others (random colours when
    none are given)."""
    rng = random.Random(seed)

    def color(index: int) -> tuple[int, int, int]:
        if colors:
            return colors[0] if index == 0 else colors[rng.randrange(len(colors))]
        return tuple(rng.randrange(256) for _ in range(3))

    image = Image.new("RGB", (width, height), color(0))
    draw = ImageDraw.Draw(image)
    for _ in range(4):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = rng.randrange(x0, width + 1), rng.randrange(y0, height + 1)
        draw.rectangle((x0, y0, x1, y1), fill=color(1))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@contextmanager
def running_fake_freepik() -> Iterator[FakeFreepik]:
    """A started fake, stopped on exit."""
    fake = FakeFreepik()
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_freepik() -> Iterator[FakeFreepik]:
    with running_fake_freepik() as fake:
        yield fake
