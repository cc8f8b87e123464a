"""Steps started in the background, with Prefect or as plain calls, and how work is chunked."""

import threading

import pytest
from prefect import flow

from appraisal.flows.runmode import plain_calls, task
from appraisal.pdf.as_one import even_size


@task(name="which thread")
def _which_thread(fail: bool) -> int:
    if fail:
        raise ValueError("as asked")
    return threading.get_ident()


@flow(name="start two steps")
def _two_steps() -> tuple[int, int, int]:
    first = _which_thread.start(False)
    second = _which_thread.start(False)
    return first.result(), second.result(), threading.get_ident()


def test_a_plain_step_started_runs_beside_the_caller_and_hands_back_its_error() -> None:
    with plain_calls():
        running = _which_thread.start(False)
        assert running.result() != threading.get_ident()
        failing = _which_thread.start(True)
        with pytest.raises(ValueError, match="as asked"):
            failing.result()


def test_a_step_started_in_a_flow_runs_on_prefects_task_runner(prefect_harness: None) -> None:
    first, second, caller = _two_steps()
    assert caller not in (first, second)


@pytest.mark.parametrize(
    ("total", "most", "size"),
    [(0, 400, 1), (1, 400, 1), (400, 400, 400), (401, 400, 201), (500, 400, 250),
     (879, 400, 293), (1500, 400, 375), (7, 0, 1)],
)  # fmt: skip
def test_chunks_are_as_few_and_as_even_as_the_most_allows(total: int, most: int, size: int) -> None:
    assert even_size(total, most) == size
