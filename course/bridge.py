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
a handle; the other side gets a proxy (:class:`Remote` on the grader's side, a function
that calls back on the student's side). The student's side can only call what the
grader handed it.

Each message is a 4-byte big-endian length and UTF-8 JSON. This module runs on both
sides: in the notebook it needs only the standard library and NumPy.
"""

from __future__ import annotations

import base64
import builtins
import collections.abc
import contextlib
import dataclasses
import importlib
import inspect
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
    check's message "got a <type>" reads as it would in the notebook.
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


def _proxy_class(base: type, type_name: str) -> type:
    key = (base, type_name)
    if key not in _PROXY_CLASSES:
        safe = type_name if type_name.isidentifier() else "object"
        _PROXY_CLASSES[key] = type(safe, (base,), {"__module__": "__main__"})
    return _PROXY_CLASSES[key]


# ---------------------------------------------------------------------------- peer


class Peer:
    """One side of the bridge: encodes and decodes values, sends requests and serves the
    other side's requests while it waits for its answer.

    Parameters
    ----------
    sock : socket.socket
        The connected Unix socket.
    namespace : dict, optional
        The notebook's global names (the student's side only). Without it this peer
        serves only calls of what it handed out.
    """

    def __init__(self, sock: socket.socket, namespace: dict | None = None) -> None:
        self.sock = sock
        self.namespace = namespace
        self.objects: dict[int, Any] = {}  # what this side handed out, by handle
        self.replaced: dict[int, contextlib.ExitStack] = {}  # open ``replace`` requests, by token
        self.generators: dict[int, np.random.Generator] = {}  # the other side's, by its handle
        self._received: list[tuple[int, np.ndarray, np.ndarray]] = []  # the other side's arrays, as received
        self.reference_log: Callable[[], list[str] | None] = lambda: None
        self.hide_messages = False  # grader's side: keep the student's exception messages out
        self.deadline: float | None = None  # time.monotonic() by which every answer must come
        self.failed_in: str | None = None  # the student's function running when the bridge failed

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
            data = np.ascontiguousarray(value)
            encoded = {"$array": data.dtype.str, "shape": list(data.shape),
                       "data": base64.b64encode(data.tobytes()).decode("ascii")}
            if self.namespace is None:  # the grader's arrays: what the student's code changes in place comes back
                self.objects[id(value)] = value
                encoded.update(id=id(value), readonly=not value.flags.writeable)
            return encoded
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
        if (self.namespace is None and dataclasses.is_dataclass(value) and not isinstance(value, type)
                and type(value).__module__.startswith("course.")):
            fields = {f.name: self.encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return {"$dataclass": f"{type(value).__module__}:{type(value).__qualname__}", "fields": fields}
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
            dtype = _numeric_dtype(data["$array"])
            shape = tuple(int(n) for n in data["shape"])
            raw = base64.b64decode(data["data"])
            if len(raw) != int(np.prod(shape, dtype=np.int64)) * dtype.itemsize:
                raise BridgeClosed("an array's size does not match its shape")
            array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
            if "id" in data and self.namespace is not None:
                if data.get("readonly"):
                    array.flags.writeable = False
                else:
                    self._received.append((data["id"], array, array.copy()))
            return array
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
        if "$dataclass" in data and self.namespace is not None:
            module, qualname = data["$dataclass"].split(":")
            cls = getattr(importlib.import_module(module), qualname)
            return cls(**{k: self.decode(v) for k, v in data["fields"].items()})
        if "$ref" in data:
            return self._proxy(data)
        raise BridgeClosed("a malformed value was refused")

    def _proxy(self, info: dict) -> Any:
        handle = info["$ref"]
        if self.namespace is not None:  # the student's side: it may only call back
            def call_back(*args: Any, **kwargs: Any) -> Any:
                return self.call(handle, args, kwargs)
            call_back.__name__ = call_back.__qualname__ = str(info.get("name", "function"))
            return call_back
        base = {"callable": RemoteCallable, "iterator": RemoteIterator}.get(info.get("kind"), Remote)
        return _proxy_class(base, str(info.get("type", "object")))(self, handle, info)

    # --- requests
    def call(self, handle: int, args: tuple, kwargs: dict) -> Any:
        message = {"op": "call", "target": handle, "args": [self.encode(a) for a in args],
                   "kwargs": {k: self.encode(v) for k, v in kwargs.items()}}
        log = self.reference_log()
        if log is not None:
            message["disable_references"] = True
        return self.request(message, log=log)

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
        origin = self.objects.get(error.get("origin"))
        if isinstance(origin, BaseException):  # raised on this side, come back
            return origin
        name = str(error.get("type", "Exception"))
        message = "(message not shown: hidden test)" if self.hide_messages else str(error.get("message", ""))
        if name == "_ReferenceCalled":
            from course.checks.own_work import _ReferenceCalled
            exc: BaseException = _ReferenceCalled(message)
        else:
            cls = getattr(builtins, name, None)
            if isinstance(cls, type) and issubclass(cls, Exception):
                try:
                    exc = cls(message)
                except Exception:
                    exc = _proxy_class(RemoteError, name)(message)
            else:
                exc = _proxy_class(RemoteError, name)(message)
        exc.remote_traceback = [] if self.hide_messages else [str(line) for line in error.get("traceback", ())]
        exc.bridge_origin = error.get("token")
        return exc

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
            for stack in self.replaced.values():
                stack.close()
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
        lines: list[str] = []
        if self.namespace is not None:
            from course.checks.failure import _traceback_lines
            with contextlib.suppress(Exception):
                lines = _traceback_lines(exc)
        return {"type": type(exc).__name__, "message": str(exc), "traceback": lines, "token": id(exc)}

    def _target(self, message: dict) -> Any:
        try:
            return self.objects[message["target"]]
        except KeyError:
            raise LookupError("unknown handle") from None

    def _answer(self, message: dict, calls: list[str]) -> dict:
        op = message.get("op")
        if op == "call":
            target = self._target(message)
            args = [self.decode(a) for a in message.get("args", ())]
            kwargs = {str(k): self.decode(v) for k, v in message.get("kwargs", {}).items()}
            disabled = contextlib.nullcontext()
            if message.get("disable_references") and self.namespace is not None:
                from course.checks.own_work import references_disabled
                disabled = references_disabled(calls)
            with disabled:
                return {"value": self.encode(target(*args, **kwargs))}
        if self.namespace is None:
            raise PermissionError(f"the grader does not answer {op!r}")
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
        raise LookupError(f"unknown request {op!r}")

    def _probe(self, what: str, fn: Any) -> Any:
        from course.checks import own_work
        if what == "course_references":
            return own_work._course_references(fn)
        if what == "own_implementation":
            try:
                own_work.assert_own_implementation(fn)
            except own_work.CheckFailed as failure:
                return str(failure)
            return None
        raise LookupError(f"unknown probe {what!r}")

    def _replace(self, fn: Any, message: dict) -> int:
        stack = contextlib.ExitStack()
        stack.enter_context(replaced(importlib.import_module(message["module"]), message["attr"],
                                     self.decode(message["value"]), getattr(inspect.unwrap(fn), "__globals__", {})))
        token = len(self.replaced) + 1
        self.replaced[token] = stack
        return token


# ---------------------------------------------------------------- student's side


def serve(path: str, namespace: dict) -> None:
    """Connect to the grader's socket ``path`` and answer its requests about the
    notebook whose global names are ``namespace`` until it is done.

    Run in the notebook's process by the autograder (``course.verdict``) in place of a
    graded test cell.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    try:
        Peer(sock, namespace).serve()
    finally:
        sock.close()


__all__ = ["BridgeClosed", "BridgeFailure", "BridgeTimeout", "MAX_MESSAGE", "Peer", "replaced", "send", "Remote", "RemoteCallable",
           "RemoteError", "RemoteIterator", "RemoteNamespace", "serve"]

