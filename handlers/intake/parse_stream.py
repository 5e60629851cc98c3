"""`liandong parse -`: one JSON answer per input line, in input order, on every CPU.

An office re-reads a month of traffic this way (`liandong parse - < month.txt`), and a
tool may pipe a live feed through it. So lines are read as they come: a file arrives in
large chunks, which are cut into batches and spread over worker processes; a feed arrives
a line at a time, and each line is answered as soon as it is read, not when a batch fills.

The workers are forked from a process that has already compiled the parser's patterns and
loaded its models, so they start at once and share those pages. One thread reads standard
input and hands batches to the pool; the main thread prints the answers in the order the
batches were read. At most a few batches wait at a time, so a huge file is never held in
memory at once.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import queue
import signal
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from typing import BinaryIO, Callable, Iterable, Iterator

from handlers.intake.parser import parse_report, warm_up

BATCH_LINES = 200  # about 50 ms of parsing: big enough to pay for the hand-over, small enough to share out
READ_BYTES = 1 << 16
WAITING_BATCHES_PER_WORKER = 2
_DONE = None


def answer(number: int, raw: bytes) -> str:
    """The JSON line for input line `number` (from 1): the parse, or an error naming the line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A paste from a legacy GBK system gets an error of its own instead of ending the run.
        return json.dumps({"error": f"line {number}: not UTF-8 (byte {exc.start + 1}: "
                                   f"{raw[exc.start:exc.start + 1]!r})"})
    return json.dumps(parse_report(line.rstrip("\r\n")).to_dict(), ensure_ascii=False)


def answer_batch(first_number: int, lines: list[bytes]) -> list[str]:
    return [answer(first_number + offset, raw) for offset, raw in enumerate(lines)]


def batches(stream: BinaryIO) -> Iterator[list[bytes]]:
    """Whole lines, in batches of what has arrived: a file fills them, a live feed gives one line each."""
    descriptor = stream.fileno()
    pieces: list[bytes] = []  # of a line not yet ended (joined once it ends: a huge line is no quadratic copy)
    while chunk := os.read(descriptor, READ_BYTES):  # whatever is there, without waiting for more
        pieces.append(chunk)
        if b"\n" not in chunk:
            continue
        lines = b"".join(pieces).split(b"\n")
        tail = lines.pop()
        pieces = [tail] if tail else []
        for start in range(0, len(lines), BATCH_LINES):
            yield lines[start:start + BATCH_LINES]
    if pieces:
        yield [b"".join(pieces)]  # a last line without its newline is a line all the same


def default_workers() -> int:
    """One a CPU this process may use; one in all where workers cannot be forked."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def answer_stream(stream: BinaryIO, emit: Callable[[Iterable[str]], None], workers: int) -> None:
    """Answer every line of `stream` in order; `emit` gets each batch's JSON lines."""
    if workers <= 1:
        number = 1
        for lines in batches(stream):
            emit(answer_batch(number, lines))
            number += len(lines)
        return
    warm_up()  # before forking, so each worker has the models
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_leave_interrupts_to_the_parent)
    waiting: queue.Queue[Future[list[str]] | BaseException | None] = queue.Queue(
        maxsize=workers * WAITING_BATCHES_PER_WORKER)
    pool.submit(int).result()  # the workers are forked now, before the reader thread exists
    reader = threading.Thread(target=_read_into, args=(stream, pool, waiting), daemon=True,
                              name="parse-stream-reader")
    reader.start()
    try:
        while (item := waiting.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            emit(item.result())
    finally:
        # On a closed pipe or ^C nothing more is wanted: drop what waits, do not finish it.
        pool.shutdown(wait=False, cancel_futures=True)


def _read_into(stream: BinaryIO, pool: ProcessPoolExecutor,
               waiting: queue.Queue[Future[list[str]] | BaseException | None]) -> None:
    try:
        number = 1
        for lines in batches(stream):
            waiting.put(pool.submit(answer_batch, number, lines))
            number += len(lines)
        waiting.put(_DONE)
    except BaseException as exc:  # an unreadable stdin ends the run with its error, not a hang
        waiting.put(exc)


def _leave_interrupts_to_the_parent() -> None:
    # ^C reaches the whole process group; the parent stops the run, and a worker's own
    # KeyboardInterrupt would only add a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
