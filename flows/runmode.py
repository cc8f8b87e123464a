"""Prefect, or plain calls: the same flow code runs as Prefect flows and tasks, or (inside
`plain_calls()`) as ordinary function calls, so a benchmark can measure what Prefect adds."""

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from threading import Thread
from typing import Any, Generic, ParamSpec, Protocol, TypeVar

from prefect import Flow, Task
from prefect.context import FlowRunContext, TaskRunContext
from prefect.logging import get_run_logger
from prefect.utilities.annotations import quote

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)

_PLAIN: ContextVar[bool] = ContextVar("appraisal_plain_calls", default=False)
_LOG = logging.getLogger("appraisal.flows")


@contextmanager
def plain_calls() -> Iterator[None]:
    """Within this block tasks and flows called through this module are plain calls."""
    token = _PLAIN.set(True)
    try:
        yield
    finally:
        _PLAIN.reset(token)


class Running(Protocol[R_co]):
    """A step started in the background: `result()` waits for it and raises what it raised."""

    def result(self) -> R_co: ...


class _Plain(Generic[R]):
    """A plain call on a thread of its own, for `Step.start` inside `plain_calls()`."""

    def __init__(self, fn: Callable[[], R]) -> None:
        self._future: Future[R] = Future()
        context = copy_context()
        Thread(target=context.run, args=(self._run, fn), daemon=True).start()

    def _run(self, fn: Callable[[], R]) -> None:
        try:
            self._future.set_result(fn())
        except BaseException as exc:  # handed to whoever waits on result()
            self._future.set_exception(exc)

    def result(self) -> R:
        return self._future.result()


class Step(Task[P, R]):
    """A Prefect task that is an ordinary call inside `plain_calls()`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _PLAIN.get():
            return self.fn(*args, **kwargs)
        # Our tasks take plain values, never futures: quoted, Prefect hands them over as they
        # are instead of walking every element of a slice of people or a batch of documents
        # to look for one (6% of the archive's wall time at 200 people).
        call: Callable[..., Any] = super().__call__
        return call(*(quote(a) for a in args), **{k: quote(v) for k, v in kwargs.items()})

    def start(self, *args: Any, **kwargs: Any) -> Running[R]:
        """Run the step beside the caller (Prefect's task runner, or a thread when plain), so
        that the caller's own work, which uses one core, overlaps LibreOffice's."""
        if _PLAIN.get():
            return _Plain(lambda: self.fn(*args, **kwargs))
        submit: Callable[..., Running[R]] = super().submit
        return submit(*(quote(a) for a in args), **{k: quote(v) for k, v in kwargs.items()})


def task(name: str, **options: Any) -> Callable[[Callable[P, R]], Step[P, R]]:
    def wrap(fn: Callable[P, R]) -> Step[P, R]:
        return Step(fn=fn, name=name, **options)

    return wrap


def call_flow(flow: Flow[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run a (sub)flow, or just its function inside `plain_calls()`."""
    if _PLAIN.get():
        return flow.fn(*args, **kwargs)
    return flow(*args, **kwargs)


def run_logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The run's logger inside a Prefect run, the module's logger outside one."""
    if FlowRunContext.get() or TaskRunContext.get():
        return get_run_logger()
    return _LOG


def log(message: str, *args: object) -> None:
    run_logger().info(message, *args)
