"""How ``FakeGeminiServer`` is run and reached: start/stop, context managers, URL and clients.

``FakeGeminiServer`` inherits ``ServingMixin``; the class itself keeps configuration, the request
log and dispatch. Serving is separate because it touches threads, sockets and SDK clients, and
none of the API emulation.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from langchain_gemini_vision.testing._http import HTTPServer

if TYPE_CHECKING:
    from google import genai
    from langchain_google_genai import ChatGoogleGenerativeAI
    from typing_extensions import Self

    from langchain_gemini_vision.testing.server import FakeGeminiServer


class ServingMixin:
    """Lifecycle and clients of ``FakeGeminiServer``."""

    # Provided by FakeGeminiServer.
    _lock: threading.RLock
    _httpd: HTTPServer | None
    _thread: threading.Thread | None
    _owned: list[Any]
    api_key: str
    model_version: str | None

    # ================================================================== lifecycle

    def start(self) -> Self:
        """Bind a random port on 127.0.0.1 and serve in a daemon thread (no-op if running)."""
        if self._httpd is None:
            # Only a FakeGeminiServer mixes this in; the HTTP layer calls back into its dispatch.
            self._httpd = HTTPServer(cast("FakeGeminiServer", self))
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"FakeGeminiServer:{self.port}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close open connections (idempotent)."""
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        httpd.shutdown()
        httpd.close_connections()
        httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        owned, self._owned = self._owned, []
        for obj in owned:
            closer = getattr(obj, "close", None)
            if callable(closer):
                with contextlib.suppress(Exception):
                    closer()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # shutdown() waits for the serve loop; keep the event loop free meanwhile.
        await asyncio.to_thread(self.stop)

    @property
    def port(self) -> int:
        """The bound port (the server must be started)."""
        if self._httpd is None:
            raise RuntimeError("FakeGeminiServer is not running: call start() or use `with`.")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (the server must be started)."""
        return f"http://127.0.0.1:{self.port}"

    # ================================================================== clients

    def llm(self, **kwargs: Any) -> ChatGoogleGenerativeAI:
        """A ``ChatGoogleGenerativeAI`` pointed at this server (v1beta, this key).

        The server keeps a reference until ``stop()``, so ``server.llm().client`` stays usable.

        Args:
            **kwargs: Passed to ``build_llm`` / ``ChatGoogleGenerativeAI``. Defaults:
                ``model=model_version`` (or gemini-3.5-flash), ``max_retries=2`` (one retry),
                ``timeout=30``.
        """
        from langchain_gemini_vision._core.client import DEFAULT_MODEL, build_llm

        model = kwargs.pop("model", None) or self.model_version or DEFAULT_MODEL
        kwargs.setdefault("max_retries", 2)
        kwargs.setdefault("timeout", 30)
        llm = build_llm(model=model, api_key=self.api_key, base_url=self.url, **kwargs)
        with self._lock:
            self._owned.append(llm)
        return llm

    def client(self, **http_options: Any) -> genai.Client:
        """A raw ``google.genai.Client`` for this server (v1beta).

        The server keeps a reference and closes the client at ``stop()`` (a ``genai.Client``
        closes itself when garbage-collected, which would break ``server.client().files...``).

        Args:
            **http_options: Extra ``google.genai.types.HttpOptions`` fields (e.g. ``timeout``,
                ``retry_options``).
        """
        from google import genai
        from google.genai import types

        options = types.HttpOptions(base_url=self.url, api_version="v1beta", **http_options)
        client = genai.Client(api_key=self.api_key, http_options=options)
        with self._lock:
            self._owned.append(client)
        return client
