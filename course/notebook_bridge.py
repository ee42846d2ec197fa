"""The notebook's side of the autograder's bridge (:mod:`course.bridge`).

While a graded test cell is autograded, the notebook's process runs :func:`serve` in
place of the cell (the grader's ``grader.verdict.TrustedTest.serve_code``): it connects
to the grader's socket and answers the grader's requests about the notebook's names
until the grader is done. It answers lookups, calls, ``next``, attribute reads,
signatures, the own-work probes of :mod:`course.checks.own_work` and the replacement of
a provided function (``strong_wolfe``) by the grader's spy; the student's code gets
nothing of the grader but functions that call back what the check handed it.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import socket
from typing import Any, Callable

import numpy as np

from course.bridge import Peer, replaced


class NotebookPeer(Peer):
    """The notebook's side of the bridge.

    Parameters
    ----------
    sock : socket.socket
        The connected Unix socket.
    namespace : dict
        The notebook's global names.
    """

    def __init__(self, sock: socket.socket, namespace: dict) -> None:
        super().__init__(sock)
        self.namespace = namespace
        self.replaced: dict[int, contextlib.ExitStack] = {}  # open ``replace`` requests, by token
        self.call_backs: dict[int, tuple[Callable, int]] = {}  # id -> (function, the grader's handle)

    # --- values
    def _decode_array(self, data: dict) -> np.ndarray:
        """The grader's array; one that the student's code may change in place is kept,
        so that the change goes back with the answer."""
        array = super()._decode_array(data)
        if "id" in data:
            if data.get("readonly"):
                array.flags.writeable = False
            else:
                self._received.append((data["id"], array, array.copy()))
        return array

    def decode(self, data: Any) -> Any:
        if isinstance(data, dict) and "$dataclass" in data:  # a dataclass of the course package
            module, qualname = data["$dataclass"].split(":")
            cls = getattr(importlib.import_module(module), qualname)
            return cls(**{k: self.decode(v) for k, v in data["fields"].items()})
        return super().decode(data)

    def _proxy(self, info: dict) -> Any:
        """A function that calls the grader's object back: the only thing of the grader's
        that the student's code can reach."""
        handle = info["$ref"]

        def call_back(*args: Any, **kwargs: Any) -> Any:
            return self.call(handle, args, kwargs)

        call_back.__name__ = call_back.__qualname__ = str(info.get("name", "function"))
        self.call_backs[id(call_back)] = (call_back, handle)
        return call_back

    def _encode_object(self, value: Any) -> Any:
        """A function that calls the grader back goes back as the grader's own object
        (the ``f`` and ``grad`` a solver passes on to ``strong_wolfe``): the grader then
        calls it in its own process, without a round trip through this one."""
        known = self.call_backs.get(id(value))
        if known is not None and known[0] is value:
            return {"$own": known[1]}
        return super()._encode_object(value)

    # --- serving
    def _close(self) -> None:
        for stack in self.replaced.values():
            stack.close()
        self.call_backs.clear()
        super()._close()

    def _traceback(self, exc: BaseException) -> list[str]:
        """The student's exception's traceback as IPython shows it, less the course's frames."""
        from course.checks.failure import _traceback_lines
        lines: list[str] = []
        with contextlib.suppress(Exception):
            lines = _traceback_lines(exc)
        return lines

    def _answer(self, message: dict, calls: list[str]) -> dict:
        op = message.get("op")
        if op == "lookup":
            name = message["name"]
            if name not in self.namespace:
                return {"missing": True}
            return {"value": self.encode(self.namespace[name])}
        if op == "next":
            try:
                return {"value": self.encode(next(self._target(message)))}
            except StopIteration:
                return {"stop": True}
        if op == "getattr":
            return {"value": self.encode(getattr(self._target(message), str(message["name"])))}
        if op == "signature":
            params = inspect.signature(self._target(message)).parameters.values()
            return {"value": [[p.name, int(p.kind), [] if p.default is p.empty else [self.encode(p.default)]]
                              for p in params]}
        if op == "probe":
            return {"value": self._probe(message["what"], self._target(message))}
        if op == "replace":
            return {"value": self._replace(self._target(message), message)}
        if op == "restore":
            self.replaced.pop(message["token"]).close()
            return {"value": None}
        return super()._answer(message, calls)

    def _calling(self, message: dict, calls: list[str]) -> contextlib.AbstractContextManager:
        """While the check follows the student's function, the reference code is disabled
        and each reference called is added to ``calls``."""
        if not message.get("disable_references"):
            return contextlib.nullcontext()
        from course.checks.own_work import references_disabled
        return references_disabled(calls)

    def _probe(self, what: str, fn: Any) -> Any:
        from course.checks import own_work
        if what == "course_references":
            return own_work._course_references(fn)
        if what == "own_implementation":
            try:
                own_work.assert_own_implementation(fn)
            except own_work.CheckFailed as failure:
                return failure.message
            return None
        raise LookupError(f"unknown probe {what!r}")

    def _replace(self, fn: Any, message: dict) -> int:
        stack = contextlib.ExitStack()
        stack.enter_context(replaced(importlib.import_module(message["module"]), message["attr"],
                                     self.decode(message["value"]), getattr(inspect.unwrap(fn), "__globals__", {})))
        token = len(self.replaced) + 1
        self.replaced[token] = stack
        return token


def serve(path: str, namespace: dict) -> None:
    """Connect to the grader's socket ``path`` and answer its requests about the
    notebook whose global names are ``namespace`` until it is done.

    Run in the notebook's process by the autograder (``grader.verdict``) in place of a
    graded test cell.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    try:
        NotebookPeer(sock, namespace).serve()
    finally:
        sock.close()


__all__ = ["NotebookPeer", "serve"]
