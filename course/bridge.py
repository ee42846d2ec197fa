"""The autograder's bridge into a student's notebook process: data, never code.

While a graded test cell is autograded, the check runs in the grader's own process,
which the student's code cannot reach, and the student's functions stay in the
sandboxed notebook process. The two talk over a Unix socket, one request at a time:

* the grader looks names up in the notebook (``lookup``), calls the student's
  functions (``call``), steps their generators (``next``), reads attributes of what
  they return (``getattr``) and asks what a function's signature is and what course
  code it uses (``signature``, ``probe``);
* while a student's function runs it may call back what the check gave it
  (``grad_fn``, ``f``, ``grad``, the followed line search): a ``call`` the other way.

Values cross as data: numbers, strings, None, tuples, lists, dicts, NumPy arrays and
scalars of numeric dtype (raw bytes, never pickles), random generators (their state)
and dataclasses of the course package. Anything else stays where it is and is named by
a handle; the other side gets a proxy (a :class:`Remote` on the grader's side, a
function that calls back on the student's side), and a proxy sent back is the other
side's own object again (a solver passing the check's ``f`` on to ``strong_wolfe`` hands
the grader its own ``f``, which it then calls without a round trip). The student's side
can only call what the grader handed it.

Each message is a 4-byte big-endian length and UTF-8 JSON. This module is what both
sides share: the wire format, the codec (:class:`Peer`), the proxy type the checks of
:mod:`course.checks` recognise (:class:`Remote`) and :func:`replaced`. It needs only the
standard library and NumPy. The notebook's side is :mod:`course.notebook_bridge`
(``serve``); the grader's side is ``grader.bridge``, outside the ``course`` package and
out of the sandbox's reach.
"""

from __future__ import annotations

import base64
import builtins
import collections.abc
import contextlib
import json
import socket
import struct
import time
from typing import Any, Callable, Iterator

import numpy as np

#: Largest message (bytes) either side accepts: a student's function returning more fails.
MAX_MESSAGE = 64 * 2**20
_NUMERIC_KINDS = "biufc"


class BridgeFailure(BaseException):
    """The bridge itself failed. A BaseException, so that a check's ``except Exception``
    never mistakes it for an error of the student's function."""


class BridgeClosed(BridgeFailure):
    """The other side of the bridge went away (its process died or closed the socket)."""


class BridgeTimeout(BridgeFailure):
    """The other side did not answer before the deadline."""


class RemoteError(Exception):
    """An exception raised on the other side whose type is not a Python built-in; its
    class is made with the other side's type name."""


# --------------------------------------------------------------------------- wire


def send(sock: socket.socket, message: dict) -> None:
    data = json.dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")
    if len(data) > MAX_MESSAGE:
        raise ValueError(f"a value of {len(data) / 2**20:.0f} MB: the autograder takes at most "
                         f"{MAX_MESSAGE // 2**20} MB per call")
    try:
        sock.sendall(struct.pack(">I", len(data)) + data)
    except OSError as exc:
        raise BridgeClosed(str(exc)) from exc


def _recv_exact(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            sock.settimeout(max(deadline - time.monotonic(), 1e-3))
        try:
            chunk = sock.recv(min(left, 1 << 20))
        except socket.timeout as exc:
            raise BridgeTimeout("no answer before the deadline") from exc
        except OSError as exc:
            raise BridgeClosed(str(exc)) from exc
        if not chunk:
            raise BridgeClosed("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _recv(sock: socket.socket, deadline: float | None = None) -> dict:
    (size,) = struct.unpack(">I", _recv_exact(sock, 4, deadline))
    if size > MAX_MESSAGE:
        raise BridgeClosed(f"a message of {size / 2**20:.0f} MB (more than {MAX_MESSAGE // 2**20} MB) was refused")
    try:
        message = json.loads(_recv_exact(sock, size, deadline).decode("utf-8"))
    except ValueError:
        raise BridgeClosed("a malformed message was refused") from None
    if not isinstance(message, dict):
        raise BridgeClosed("a malformed message was refused")
    return message


@contextlib.contextmanager
def replaced(module: Any, attr: str, value: Any, namespace: dict) -> Iterator[None]:
    """``module.attr``, and every name in ``namespace`` bound to the same object, stand for
    ``value`` until the block ends. Used by the checks to follow a student's calls of a
    provided function (``strong_wolfe``), in their own process or in the notebook's."""
    real = getattr(module, attr)
    aliases = [name for name, obj in list(namespace.items()) if obj is real]
    setattr(module, attr, value)
    for name in aliases:
        namespace[name] = value
    try:
        yield
    finally:
        setattr(module, attr, real)
        for name in aliases:
            namespace[name] = real


def _numeric_dtype(name: str) -> np.dtype:
    """The dtype named ``name``, if numeric (no objects, strings or records cross)."""
    dtype = np.dtype(name)
    if dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None:
        raise BridgeClosed(f"values of dtype {dtype} are not accepted")
    return dtype


# ------------------------------------------------------------------------- proxies


class Remote:
    """A value that stays in the other process: the grader's view of a student's object.

    ``__name__``/``__qualname__`` are the object's own; public attributes are read
    remotely. Its class is named after the object's type (``list``, ``dict``…), so a
    check's message "got a <type>" reads as it would in the notebook. The grader's peer
    makes them (callables and iterators are subclasses of its own, ``grader.bridge``);
    the checks recognise them, and run what must run in the notebook through them.
    """

    def __init__(self, peer: "Peer", handle: int, info: dict) -> None:
        self._peer, self._handle = peer, handle
        self.__name__ = info.get("name") or info.get("type", "object")
        self.__qualname__ = info.get("qualname") or self.__name__
        self.__module__ = "__main__"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._peer.request({"op": "getattr", "target": self._handle, "name": name})

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.__name__} in the notebook>"

    @property
    def __globals__(self) -> "RemoteNamespace":
        return RemoteNamespace(self._peer)

    def _probe(self, what: str) -> Any:
        """What the notebook's copy of :mod:`course.checks.own_work` finds (``what``:
        ``course_references`` or ``own_implementation``)."""
        return self._peer.request({"op": "probe", "what": what, "target": self._handle})

    @contextlib.contextmanager
    def _replaced(self, module: str, attr: str, value: Callable) -> Iterator[None]:
        """In the notebook, ``module.attr`` and each alias of it among this function's
        globals stand for ``value`` (a grader's callable) until the block ends."""
        token = self._peer.request({"op": "replace", "target": self._handle, "module": module,
                                    "attr": attr, "value": self._peer.encode(value)})
        try:
            yield
        finally:
            with contextlib.suppress(BridgeClosed, BridgeTimeout):
                self._peer.request({"op": "restore", "token": token})


class RemoteNamespace(collections.abc.Mapping):
    """The notebook's global names, looked up one at a time."""

    def __init__(self, peer: "Peer") -> None:
        self._peer = peer

    def __getitem__(self, name: str) -> Any:
        reply = self._peer.request({"op": "lookup", "name": name}, raw=True)
        if reply.get("missing"):
            raise KeyError(name)
        return self._peer.decode(reply["value"])

    def __iter__(self) -> Iterator[str]:
        return iter(())  # names are looked up, never listed

    def __len__(self) -> int:
        return 0


_PROXY_CLASSES: dict[tuple[type, str], type] = {}


def proxy_class(base: type, type_name: str) -> type:
    """A subclass of ``base`` named ``type_name`` (the other side's type), made once."""
    key = (base, type_name)
    if key not in _PROXY_CLASSES:
        safe = type_name if type_name.isidentifier() else "object"
        _PROXY_CLASSES[key] = type(safe, (base,), {"__module__": "__main__"})
    return _PROXY_CLASSES[key]


# ---------------------------------------------------------------------------- peer


class Peer:
    """One side of the bridge: encodes and decodes values, sends requests and serves the
    other side's requests while it waits for its answer.

    What differs between the two sides is in their subclasses: the notebook's
    (:class:`course.notebook_bridge.NotebookPeer`) answers the grader's requests about
    the notebook; the grader's (``grader.bridge.GraderPeer``) answers only calls of what
    it handed out, and makes proxies of the student's objects.

    Parameters
    ----------
    sock : socket.socket
        The connected Unix socket.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.objects: dict[int, Any] = {}  # what this side handed out, by handle
        self.generators: dict[int, np.random.Generator] = {}  # the other side's, by its handle
        self._received: list[tuple[int, np.ndarray, np.ndarray]] = []  # the other side's arrays, as received
        self.deadline: float | None = None  # time.monotonic() by which every answer must come

    # --- values
    def _export(self, value: Any) -> dict:
        self.objects[id(value)] = value
        if isinstance(value, collections.abc.Iterator):
            kind = "iterator"
        elif callable(value):
            kind = "callable"
        else:
            kind = "object"
        info = {"$ref": id(value), "kind": kind, "type": type(value).__name__}
        for attr in ("__name__", "__qualname__"):  # a function's, or a generator's
            name = getattr(value, attr, None) if kind != "object" else None
            if isinstance(name, str):
                info[attr.strip("_")] = name
        return info

    def encode(self, value: Any) -> Any:
        """``value`` as JSON data (see the module docstring)."""
        if value is None or isinstance(value, str) or type(value) in (bool, int, float):
            return value
        if isinstance(value, Remote) and value._peer is self:
            return {"$own": value._handle}
        if isinstance(value, np.ndarray) and value.dtype.kind in _NUMERIC_KINDS and value.dtype.fields is None:
            return self._encode_array(value)
        if isinstance(value, np.generic) and value.dtype.kind in _NUMERIC_KINDS:
            return {"$scalar": value.dtype.str, "data": base64.b64encode(value.tobytes()).decode("ascii")}
        if type(value) is complex:
            return {"$complex": [value.real, value.imag]}
        if isinstance(value, tuple):  # named tuples too (np.linalg.eigh's result): their fields
            return {"$tuple": [self.encode(v) for v in value]}
        if type(value) is list:
            return [self.encode(v) for v in value]
        if type(value) is dict:
            return {"$dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, np.random.Generator):
            self.objects[id(value)] = value
            return {"$rng": value.bit_generator.state, "id": id(value)}
        return self._encode_object(value)

    def _encode_array(self, value: np.ndarray) -> dict:
        """A numeric array as data: its dtype, shape and raw bytes."""
        data = np.ascontiguousarray(value)
        return {"$array": data.dtype.str, "shape": list(data.shape),
                "data": base64.b64encode(data.tobytes()).decode("ascii")}

    def _encode_object(self, value: Any) -> Any:
        """Any other value: it stays here, named by a handle."""
        return self._export(value)

    def decode(self, data: Any) -> Any:
        """The value that ``data`` (from :meth:`encode` on the other side) stands for."""
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self.decode(v) for v in data]
        if not isinstance(data, dict):
            raise BridgeClosed(f"cannot decode {type(data).__name__}")
        if "$array" in data:
            return self._decode_array(data)
        if "$scalar" in data:
            return np.frombuffer(base64.b64decode(data["data"]), dtype=_numeric_dtype(data["$scalar"]))[0]
        if "$complex" in data:
            return complex(*data["$complex"])
        if "$tuple" in data:
            return tuple(self.decode(v) for v in data["$tuple"])
        if "$dict" in data:
            return {self.decode(k): self.decode(v) for k, v in data["$dict"]}
        if "$rng" in data:  # the same generator as the other side's, its state sent back with each answer
            state = data["$rng"]
            generator = self.generators.get(data["id"])
            if generator is None:
                generator = np.random.Generator(getattr(np.random, state["bit_generator"])())
                self.generators[data["id"]] = generator
            generator.bit_generator.state = state
            return generator
        if "$own" in data:
            try:
                return self.objects[data["$own"]]
            except KeyError:
                raise BridgeClosed("a handle to an unknown object was refused") from None
        if "$ref" in data:
            return self._proxy(data)
        raise BridgeClosed("a malformed value was refused")

    def _decode_array(self, data: dict) -> np.ndarray:
        """The array that ``data`` describes, a copy of its own."""
        dtype = _numeric_dtype(data["$array"])
        shape = tuple(int(n) for n in data["shape"])
        raw = base64.b64decode(data["data"])
        if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
            raise BridgeClosed("an array's size does not match its shape")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()

    def _proxy(self, info: dict) -> Any:
        """What stands here for the other side's object named by ``info`` (a ``$ref``)."""
        raise NotImplementedError

    # --- requests
    def call(self, handle: int, args: tuple, kwargs: dict) -> Any:
        """Call the other side's object ``handle``; its result, or raise what it raised."""
        return self.request(self._call_message(handle, args, kwargs))

    def _call_message(self, handle: int, args: tuple, kwargs: dict) -> dict:
        return {"op": "call", "target": handle, "args": [self.encode(a) for a in args],
                "kwargs": {k: self.encode(v) for k, v in kwargs.items()}}

    def request(self, message: dict, raw: bool = False, log: list[str] | None = None) -> Any:
        """Send ``message`` and serve the other side's requests until its answer comes;
        return the decoded value (the whole reply if ``raw``), raise what it raised."""
        send(self.sock, message)
        while True:
            reply = _recv(self.sock, self.deadline)
            if "op" in reply:
                self._serve_one(reply)
                continue
            if log is not None:
                log.extend(str(c) for c in reply.get("reference_calls", ()))
            self._update(reply)
            if "error" in reply:
                raise self._exception(reply["error"])
            return reply if raw else self.decode(reply["value"])

    def _update(self, reply: dict) -> None:
        """Bring this side's generators and arrays to the state the other side left them in."""
        for handle, state in reply.get("generators", ()):
            generator = self.objects.get(handle)
            if isinstance(generator, np.random.Generator):
                generator.bit_generator.state = state
        for handle, data in reply.get("changed", ()):
            array, new = self.objects.get(handle), self.decode(data)
            if isinstance(array, np.ndarray) and isinstance(new, np.ndarray) and array.shape == new.shape:
                np.copyto(array, new, casting="unsafe")

    def _exception(self, error: dict) -> BaseException:
        """The exception that the other side's ``error`` stands for: the very one, if it
        was raised on this side; else one of the same built-in type, or of a
        :class:`RemoteError` subclass of its type name."""
        origin = self.objects.get(error.get("origin"))
        if isinstance(origin, BaseException):  # raised on this side, come back
            return origin
        name = str(error.get("type", "Exception"))
        message = self._message(error)
        cls = self._exception_class(name)
        if cls is None:
            exc: BaseException = proxy_class(RemoteError, name)(message)
        else:
            try:
                exc = cls(message)
            except Exception:
                exc = proxy_class(RemoteError, name)(message)
        exc.remote_traceback = self._remote_traceback(error)
        exc.bridge_origin = error.get("token")
        return exc

    def _exception_class(self, name: str) -> type | None:
        """The class of an exception named ``name`` on the other side: a built-in one, else None."""
        cls = getattr(builtins, name, None)
        return cls if isinstance(cls, type) and issubclass(cls, Exception) else None

    def _message(self, error: dict) -> str:
        return str(error.get("message", ""))

    def _remote_traceback(self, error: dict) -> list[str]:
        return [str(line) for line in error.get("traceback", ())]

    # --- serving
    def serve(self) -> None:
        """Answer requests until the other side says ``done`` or goes away."""
        try:
            while True:
                message = _recv(self.sock)
                if message.get("op") == "done":
                    break
                self._serve_one(message)
        except BridgeClosed:
            pass
        finally:
            self._close()

    def _close(self) -> None:
        self.objects.clear()

    def _serve_one(self, message: dict) -> None:
        calls: list[str] = []
        outer, self._received = self._received, []
        try:
            reply = self._answer(message, calls)
        except BridgeFailure:
            raise
        except BaseException as exc:  # noqa: BLE001 - every failure goes back as data
            reply = {"error": self._describe(exc)}
        finally:
            received, self._received = self._received, outer
        changed = [[h, self.encode(a)] for h, a, before in received
                   if a.shape != before.shape or a.tobytes() != before.tobytes()]
        if changed:  # changed in place by the student's code
            reply["changed"] = changed
        if calls:
            reply["reference_calls"] = calls
        if self.generators:
            reply["generators"] = [[h, g.bit_generator.state] for h, g in self.generators.items()]
        try:
            send(self.sock, reply)
        except ValueError as exc:  # too large
            send(self.sock, {"error": {"type": "ValueError", "message": str(exc)}})

    def _describe(self, exc: BaseException) -> dict:
        """``exc`` as data; one that came from the other side names its origin there."""
        origin = getattr(exc, "bridge_origin", None)
        if origin is not None:
            return {"type": type(exc).__name__, "message": str(exc), "origin": origin}
        self.objects[id(exc)] = exc
        return {"type": type(exc).__name__, "message": str(exc), "traceback": self._traceback(exc), "token": id(exc)}

    def _traceback(self, exc: BaseException) -> list[str]:
        """The lines of ``exc``'s traceback the other side may show: none here."""
        return []

    def _target(self, message: dict) -> Any:
        try:
            return self.objects[message["target"]]
        except KeyError:
            raise LookupError("unknown handle") from None

    def _answer(self, message: dict, calls: list[str]) -> dict:
        """The reply to one request of the other side (``calls``: the reference
        functions called meanwhile, see :mod:`course.notebook_bridge`)."""
        op = message.get("op")
        if op == "call":
            target = self._target(message)
            args = [self.decode(a) for a in message.get("args", ())]
            kwargs = {str(k): self.decode(v) for k, v in message.get("kwargs", {}).items()}
            with self._calling(message, calls):
                return {"value": self.encode(target(*args, **kwargs))}
        raise LookupError(f"unknown request {op!r}")

    def _calling(self, message: dict, calls: list[str]) -> contextlib.AbstractContextManager:
        """The context a requested call runs in: nothing special here."""
        return contextlib.nullcontext()


__all__ = ["BridgeClosed", "BridgeFailure", "BridgeTimeout", "MAX_MESSAGE", "Peer", "Remote", "RemoteError",
           "RemoteNamespace", "proxy_class", "replaced", "send"]
