"""The grader's side of the bridge into a student's notebook process (:mod:`course.bridge`).

:class:`GraderPeer` runs in the grader's process while a check judges a graded test cell
(:mod:`grader.verdict`): the student's objects reach the check as proxies
(:class:`~course.bridge.Remote`, :class:`RemoteCallable`, :class:`RemoteIterator`);
the grader's arrays and random generators go to the notebook as data and come back as
the student's code left them; the dataclasses of the course package cross as data. The
notebook may call only what the check handed it: any other request is refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import socket
from typing import Any, Callable, Iterator

import numpy as np

from course.bridge import BridgeFailure, Peer, Remote, proxy_class
from course.checks.own_work import _ReferenceCalled


class RemoteCallable(Remote):
    """A student's function (or other callable) called through the bridge."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._peer.running(self.__name__):
            return self._peer.call(self._handle, args, kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        params = self._peer.request({"op": "signature", "target": self._handle})
        return inspect.Signature([
            inspect.Parameter(name, inspect._ParameterKind(kind),
                              **({"default": default[0]} if default else {}))
            for name, kind, default in params
        ])


class RemoteIterator(Remote):
    """A student's generator or other iterator, stepped through the bridge."""

    def __iter__(self) -> "RemoteIterator":
        return self

    def __next__(self) -> Any:
        with self._peer.running(self.__name__):
            reply = self._peer.request({"op": "next", "target": self._handle}, raw=True)
        if reply.get("stop"):
            raise StopIteration
        return self._peer.decode(reply["value"])


class GraderPeer(Peer):
    """The grader's side of the bridge.

    Attributes
    ----------
    hide_messages : bool
        Keep the student's exception messages and tracebacks out (hidden tests).
    reference_log : callable
        The list the reference functions called in the notebook are added to while the
        check has them disabled (:func:`course.checks.own_work.current_reference_log`),
        or None.
    deadline : float or None
        ``time.monotonic()`` by which every answer must come.
    failed_in : str or None
        The student's function running when the bridge failed.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(sock)
        self.reference_log: Callable[[], list[str] | None] = lambda: None
        self.hide_messages = False
        self.failed_in: str | None = None

    @contextlib.contextmanager
    def running(self, name: str) -> Iterator[None]:
        """While the student's function ``name`` runs: if the bridge fails, the innermost
        such function is kept in ``failed_in``."""
        try:
            yield
        except BridgeFailure:
            self.failed_in = self.failed_in or name
            raise

    # --- values
    def _encode_array(self, value: np.ndarray) -> dict:
        """The grader's arrays: what the student's code changes in place comes back."""
        encoded = super()._encode_array(value)
        self.objects[id(value)] = value
        encoded.update(id=id(value), readonly=not value.flags.writeable)
        return encoded

    def _encode_object(self, value: Any) -> Any:
        """A dataclass of the course package (a problem, a result) crosses as data."""
        if (dataclasses.is_dataclass(value) and not isinstance(value, type)
                and type(value).__module__.startswith("course.")):
            fields = {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return {"$dataclass": f"{type(value).__module__}:{type(value).__qualname__}", "fields": fields}
        return super()._encode_object(value)

    def _proxy(self, info: dict) -> Remote:
        base = {"callable": RemoteCallable, "iterator": RemoteIterator}.get(info.get("kind"), Remote)
        return proxy_class(base, str(info.get("type", "object")))(self, info["$ref"], info)

    # --- requests
    def call(self, handle: int, args: tuple, kwargs: dict) -> Any:
        """Call the student's function ``handle``; while the check has the reference code
        disabled, the notebook disables it too and says what was called."""
        message = self._call_message(handle, args, kwargs)
        log = self.reference_log()
        if log is not None:
            message["disable_references"] = True
        return self.request(message, log=log)

    def _exception_class(self, name: str) -> type | None:
        if name == "_ReferenceCalled":
            return _ReferenceCalled
        return super()._exception_class(name)

    def _message(self, error: dict) -> str:
        return "(message not shown: hidden test)" if self.hide_messages else super()._message(error)

    def _remote_traceback(self, error: dict) -> list[str]:
        return [] if self.hide_messages else super()._remote_traceback(error)

    # --- serving
    def _answer(self, message: dict, calls: list[str]) -> dict:
        """Only calls of what the grader handed out are answered."""
        op = message.get("op")
        if op != "call":
            raise PermissionError(f"the grader does not answer {op!r}")
        return super()._answer(message, calls)


__all__ = ["GraderPeer", "RemoteCallable", "RemoteIterator"]
