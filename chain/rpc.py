"""A minimal JSON-RPC transport with batch requests: the gateway's hot path to any node.

`requests` directly, not web3's provider: one HTTP round trip carries many
calls (sending, receipts), and errors come back per call.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import requests


class RpcUnavailable(ConnectionError):
    """The node did not answer (down, restarting, timed out): retry later, then reconcile."""


class RpcError(RuntimeError):
    """The node answered with a JSON-RPC error."""

    def __init__(self, method: str, error: dict[str, Any]) -> None:
        super().__init__(f"{method}: {error.get('message')}")
        self.message = str(error.get("message", ""))
        data = error.get("data")  # a revert's return data, where the node gives it (nested by some nodes)
        self.data: str | None = data if isinstance(data, str) else data.get("data") if isinstance(data, dict) else None


class Rpc:
    """A minimal JSON-RPC client with batch requests: one HTTP round trip for many calls."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url
        self.timeout = timeout
        self._session = requests.Session()
        self._id = 0

    def call(self, method: str, *params: Any) -> Any:
        result = self.batch([(method, list(params))])[0]
        if isinstance(result, RpcError):
            raise result
        return result

    def batch(self, calls: Sequence[tuple[str, list[Any]]]) -> list[Any]:
        """Results in call order; a call the node refused is an `RpcError` in its place."""
        if not calls:
            return []
        payload = []
        for method, params in calls:
            self._id += 1
            payload.append({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        try:
            response = self._session.post(self.url, json=payload, timeout=self.timeout)
            response.raise_for_status()
            answers = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise RpcUnavailable(f"{self.url}: {exc}") from exc
        if isinstance(answers, dict):  # a node that refuses the whole batch answers one error object
            raise RpcError(calls[0][0], answers.get("error", {}))
        by_id = {answer["id"]: answer for answer in answers}
        first = self._id - len(calls) + 1
        return [
            by_id[first + i]["result"]
            if "error" not in by_id[first + i]
            else RpcError(method, by_id[first + i]["error"])
            for i, (method, _) in enumerate(calls)
        ]
