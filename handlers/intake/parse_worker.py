"""One process that reads reports, and the pipes to it, read by the event loop.

No thread in the bot serves it: a process pool's feeder and manager threads would
take the interpreter lock from the event loop at every hand-over and every answer.
Here the bot writes a batch of texts down one pipe and its event loop reads the
answers from the other when they arrive.

The worker is a plain `python -m handlers.intake.parse_worker`: it imports the
parser and nothing else (multiprocessing would import the bot's whole __main__ in
it). It lives as long as the bot; an event loop that ends (the tests run one per
test) hands it to the next.
"""
from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import sys
from collections import deque
from multiprocessing.connection import Connection
from pathlib import Path

from handlers.intake.parser import ParsedReport, parse_report, warm_up

# Bytes handed over and not yet answered, at most: less than a pipe holds, so that a
# hand-over never blocks the event loop, even with the worker stuck.
MAX_OUTSTANDING_BYTES = 48_000
_READY = b"ready"
_PROJECT = Path(__file__).resolve().parents[2]


class WorkerGone(Exception):
    """The worker died, or was stopped, before it answered."""


def serve(requests: Connection, answers: Connection) -> None:
    """The worker's life: load the parser's tables, say so, then answer each batch in turn.
    It ends, quietly, when the bot closes the pipes or dies: a bot that stops while the
    worker is still loading is no error worth a traceback on the bot's standard error."""
    warm_up()
    try:
        answers.send_bytes(_READY)
        while True:
            texts = pickle.loads(requests.recv_bytes())
            answers.send_bytes(pickle.dumps([parse_report(text) for text in texts], pickle.HIGHEST_PROTOCOL))
    except (EOFError, BrokenPipeError):
        return


class ParseWorker:
    def __init__(self) -> None:
        requests_read, requests_write = os.pipe()
        answers_read, answers_write = os.pipe()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (str(_PROJECT), os.environ.get("PYTHONPATH")))))
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, str(requests_read), str(answers_write)],
                pass_fds=(requests_read, answers_write), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                env=env,
                # Its own process group: Ctrl-C in a terminal reaches the whole foreground
                # group, and the worker would die of it with a traceback on the bot's
                # stderr. The bot stops it itself, and a bot that dies closes its pipes.
                process_group=0)
        finally:
            os.close(requests_read)
            os.close(answers_write)
        self._requests = Connection(requests_write, readable=False)
        self._answers = Connection(answers_read, writable=False)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.ready = False  # it has loaded the parser and takes texts
        self.gone = False
        # In the order asked: the future of each batch's readings (None: asked on a loop
        # that has ended, read and dropped) and its size in bytes.
        self._asked: deque[tuple[asyncio.Future[list[ParsedReport]] | None, int]] = deque()
        self._outstanding = 0

    @property
    def pid(self) -> int:
        return self._process.pid

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Have this event loop read the answers (from now on, for the batches it hands over)."""
        if self.loop is loop or self.gone:
            return
        if self.loop is not None and not self.loop.is_closed():
            self.loop.remove_reader(self._answers.fileno())
        self._asked = deque((None, size) for _, size in self._asked)  # nobody waits for those any more
        self.loop = loop
        loop.add_reader(self._answers.fileno(), self._on_readable)

    def submit(self, texts: list[str]) -> asyncio.Future[list[ParsedReport]] | None:
        """The texts' readings to come; None if the worker cannot take them now (not ready,
        gone, or so much in hand that the pipe might be full)."""
        if not self.ready or self.gone or self.loop is None:
            return None
        payload = pickle.dumps(texts, pickle.HIGHEST_PROTOCOL)
        if self._outstanding + len(payload) > MAX_OUTSTANDING_BYTES:
            return None
        try:
            self._requests.send_bytes(payload)
        except OSError:  # it died
            self.close()
            return None
        readings: asyncio.Future[list[ParsedReport]] = self.loop.create_future()
        self._asked.append((readings, len(payload)))
        self._outstanding += len(payload)
        return readings

    def close(self) -> None:
        """Stop the worker; whatever it had not answered fails with WorkerGone."""
        if self.gone:
            return
        self.gone = True
        if self.loop is not None and not self.loop.is_closed():
            self.loop.remove_reader(self._answers.fileno())
        # Killed before its pipes close, so that it never writes to a closed one. It keeps
        # nothing, and one stuck in a reading would never see the pipes close.
        self._process.kill()
        self._requests.close()
        self._answers.close()
        try:
            self._process.wait(timeout=1)  # a killed process is gone within a millisecond or so
        except subprocess.TimeoutExpired:
            pass
        for readings, _ in self._asked:
            if readings is not None and not readings.done() and not readings.get_loop().is_closed():
                readings.set_exception(WorkerGone())
        self._asked.clear()

    def _on_readable(self) -> None:
        try:
            data = self._answers.recv_bytes()
        except (EOFError, OSError):  # it died
            self.close()
            return
        if not self.ready:
            self.ready = data == _READY
            return
        readings, size = self._asked.popleft()
        self._outstanding -= size
        if readings is not None and not readings.done():
            readings.set_result(pickle.loads(data))


def main(argv: list[str]) -> None:
    os.dup2(2, 1)  # a stray print must not land in the answers
    serve(Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False))


if __name__ == "__main__":
    main(sys.argv[1:])
