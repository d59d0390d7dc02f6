#!/usr/bin/python3
"""Execute notebooks over the Jupyter protocol with nbclient and check that every code cell ran cleanly.

Driven by tools/nbrun/main.ts (`npm run notebooks:exec`); run with Debian's /usr/bin/python3
(python3-nbclient, python3-nbformat, python3-jupyter-client).

    execute_notebooks.py --kernel convlab --timeout 600 --out artifacts/notebooks [--quick] NOTEBOOK...

A notebook fails when a cell raises, is aborted, never runs, times out, or the kernel dies.
nbclient alone misses some of these (an aborted reply counts as success, and it stamps an
execution_count on every cell it sent), so each cell's own outcome is recorded from the hooks
and checked afterwards. A cell with `metadata.convlab.raises` (a lesson's `//| raises:` cell, tagged
`raises-exception` so that nbclient records its error and goes on) must fail with that error name and a
message matching that pattern; one that does not fail, or fails otherwise, fails the notebook. With --quick,
each cell's `metadata.convlab.ci` values replace its single-line declarations while it runs (the lessons'
reduced CI settings; the same rule as tools/lessons/transform.ts); the saved notebook keeps the lesson's code.
Executed notebooks (outputs, per-cell timing) and report.json are written to --out (the report to --report when
given). The exit status is 1 when any notebook failed, 2 on a usage problem.
"""
import argparse
import json
import math
import os
import re
import sys
import time

import nbformat
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError
from nbclient.util import ensure_async


def lesson_source(cell):
    """Where the cell came from in the lesson markdown (cell metadata convlab.source), if recorded."""
    return cell.get("metadata", {}).get("convlab", {}).get("source")


def cell_timeout(cell, default_timeout):
    # nbclient wants whole seconds; a fractional timeout is rounded up, never shortened.
    timeout = cell.get("metadata", {}).get("convlab", {}).get("timeout")
    return math.ceil(timeout) if isinstance(timeout, (int, float)) and timeout > 0 else default_timeout


def runnable(cell):
    # nbclient skips empty code cells, so they cannot have run; nothing is lost by skipping them.
    return cell.cell_type == "code" and cell.source.strip() != ""


# The convlab kernel (tools/jupyter-kernel/main.ts) writes errors thrown later by timers or promises to stderr of the
# running cell with these prefixes, and still answers "ok": without this check such a notebook would pass.
LATE_ERROR_PREFIXES = ("Uncaught exception:", "Unhandled promise rejection:")


def late_error(outputs):
    """The first "Uncaught exception: ..." or "Unhandled promise rejection: ..." block on the cell's stderr, or None."""
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")
    lines = text.split("\n")
    for at, line in enumerate(lines):
        if line.startswith(LATE_ERROR_PREFIXES):
            return "\n".join([line, *[frame for frame in lines[at + 1:at + 4] if frame.strip()]])
    return None


def expected_error(cell):
    """The cell's `metadata.convlab.raises` ({name, pattern, flags}) or None."""
    raises = cell.get("metadata", {}).get("convlab", {}).get("raises")
    return raises if isinstance(raises, dict) else None


# JavaScript regex flags a raises pattern may carry (tools/lessons/options.ts allows only these); `u` is how
# Python's re treats text anyway.
REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "u": 0}


def raises_problem(raises, error):
    """Why a raises cell's outcome is wrong, or None; `error` is (ename, evalue), or None if the cell did not fail.
    The same checks and wording as tools/lessons/raises.ts, the in-process runner's."""
    name, pattern, flags = raises.get("name"), raises.get("pattern", ""), raises.get("flags", "")
    expectation = f"{name} with a message matching /{pattern}/{flags}"
    if error is None:
        return f"expected {expectation}, but the cell ran without an error"
    ename, evalue = error
    if ename != name:
        return f"expected {expectation}, but the cell failed with {ename}: {evalue}"
    try:
        regex = re.compile(pattern, sum(REGEX_FLAGS.get(flag, 0) for flag in set(flags)))
    except re.error as problem:
        return f"expected {expectation}, but Python's re cannot compile the pattern ({problem}); keep raises patterns to plain regex syntax"
    if not regex.search(evalue or ""):
        return f"expected {expectation}, but the message does not match: {ename}: {evalue}"
    return None


def ci_declaration(name):
    """tools/lessons/parse.ts ciDeclarationPattern: a whole-line `const|let|var NAME[: Type] = value;` (// comment allowed)."""
    return re.compile(r"^(\s*(?:const|let|var)\s+" + re.escape(name) + r"\s*(?::[^=]+)?)=([^;]*;\s*(?://.*)?)$")


def quick_source(source, ci):
    """The cell's source with its `ci` overrides, `const epochs = 10;` -> `const epochs = 1;` (transform.ts applyCiOverrides)."""
    lines = source.split("\n")
    for name, value in ci.items():
        pattern = ci_declaration(name)
        at = next((i for i, line in enumerate(lines) if pattern.match(line)), None)
        if at is None:
            raise ValueError(f"ci override {name!r}: no single-line declaration `const {name} = ...;` in the cell")
        literal = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        lines[at] = pattern.sub(lambda m: f"{m.group(1)}= {literal}; // quick run; the lesson has: {m.group(2).strip()}", lines[at])
    return "\n".join(lines)


def error_message(ename, evalue, traceback):
    headline = f"{ename}: {evalue}" if ename or evalue else "error without ename/evalue (kernel protocol gap)"
    frames = [line for line in (traceback or [])[1:6] if line.strip()]
    return "\n".join([headline, *frames])


class LateOutputClient(NotebookClient):
    """nbclient drops iopub messages whose parent is not the running cell. The convlab kernel sends an error
    thrown between cells (a timer firing after its cell, an unhandled rejection) under the finished cell's
    parent, after that cell's idle status: this client hands such messages to `on_late_message` instead of
    dropping them, so they cannot vanish and leave the notebook passing. Errors after the last cell surface in the
    settle request that NotebookRun appends (SETTLE_SOURCE)."""

    on_late_message = None

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        # nbclient 0.7's loop (Debian's python3-nbclient), plus the else branch.
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            elif self.on_late_message is not None:
                self.on_late_message(msg)


# Run after the last cell so that an error a timer or promise throws just after it still has a cell to surface
# in (otherwise the kernel is shut down as soon as the last reply is in, and the error is never seen). It is not
# part of the notebook: it is removed before saving, and what it catches is blamed on the last cell.
SETTLE_SOURCE = "await new Promise((resolve) => setTimeout(resolve, 500));"


class NotebookRun:
    """Executes one notebook and records what happened to each code cell."""

    def __init__(self, path, kernel_name, default_timeout, quick=False):
        self.path = path
        self.nb = nbformat.read(path, as_version=4)
        self.default_timeout = default_timeout
        # Stale outputs and counts from the input file must not pass for a run.
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
        # The runner applies reduced settings, the notebook keeps the lesson's code: sources are put back in run().
        self.lesson_sources = {}
        for index, cell in enumerate(self.nb.cells):
            ci = cell.get("metadata", {}).get("convlab", {}).get("ci") if cell.cell_type == "code" else None
            if quick and isinstance(ci, dict):
                self.lesson_sources[index] = cell.source
                cell.source = quick_source(cell.source, ci)
        self.settle_index = len(self.nb.cells)
        self.nb.cells.append(nbformat.v4.new_code_cell(source=SETTLE_SOURCE, metadata={"convlab": {"settle": True}}))
        self.outcomes = {}  # cell index -> {"status", "message", "seconds"}
        self.reply_errors = {}  # cell index -> {"ename", "evalue"} of an error reply
        self.started = {}
        self.running_index = None
        self.cell_of_request = {}  # execute_request msg_id -> cell index
        self.client = LateOutputClient(
            self.nb,
            kernel_name=kernel_name,
            timeout=default_timeout,
            timeout_func=lambda cell: cell_timeout(cell, default_timeout),
            record_timing=True,
            allow_errors=False,
            interrupt_on_timeout=False,
            shutdown_kernel="immediate",
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
            on_cell_execute=self.on_cell_execute,
            on_cell_executed=self.on_cell_executed,
        )
        self.client.on_late_message = self.on_late_message

    def on_cell_execute(self, cell, cell_index):
        self.running_index = cell_index
        self.started[cell_index] = time.monotonic()

    def on_cell_executed(self, cell, cell_index, execute_reply):
        self.cell_of_request[execute_reply["parent_header"].get("msg_id")] = cell_index
        content = execute_reply["content"]
        status = content.get("status")
        outcome = {"status": status, "seconds": self.elapsed(cell_index)}
        if status == "error":
            outcome["message"] = error_message(content.get("ename"), content.get("evalue"), content.get("traceback"))
            self.reply_errors[cell_index] = {"ename": content.get("ename"), "evalue": content.get("evalue")}
        elif status != "ok":
            outcome["message"] = f"the kernel answered status {status!r} instead of running the cell"
        self.outcomes[cell_index] = outcome
        self.running_index = None

    def on_late_message(self, msg):
        """Stream text that arrived for a cell after it finished joins that cell's outputs (and is checked there)."""
        index = self.cell_of_request.get(msg["parent_header"].get("msg_id"))
        if index is None or msg["msg_type"] != "stream":
            return
        content = msg["content"]
        self.nb.cells[index].outputs.append(nbformat.v4.new_output("stream", name=content.get("name", "stdout"), text=content.get("text", "")))

    def elapsed(self, cell_index):
        started = self.started.get(cell_index)
        return round(time.monotonic() - started, 3) if started is not None else None

    def run(self):
        started = time.monotonic()
        try:
            self.client.execute()
        except CellExecutionError:
            pass  # recorded by on_cell_executed; the remaining cells stay unexecuted
        except CellTimeoutError:
            index = self.running_index
            timeout = cell_timeout(self.nb.cells[index], self.default_timeout)
            self.outcomes[index] = {"status": "timeout", "seconds": self.elapsed(index), "message": f"cell timed out after {timeout} s"}
        except DeadKernelError as crash:
            self.record_crash(f"the kernel died while running this cell ({crash})")
        except Exception as problem:  # e.g. the kernel died before answering kernel_info
            self.record_crash(f"{type(problem).__name__}: {problem}")
        self.seconds = round(time.monotonic() - started, 3)
        for index, source in self.lesson_sources.items():
            self.nb.cells[index].source = source
        return self.report()

    def record_crash(self, message):
        index = self.running_index
        if index is None:
            self.crash = message
        else:
            self.outcomes[index] = {"status": "crashed", "seconds": self.elapsed(index), "message": message}

    def remove_settle_cell(self):
        """Takes the settle cell out of the notebook; returns the late error it caught, if any."""
        settle = self.nb.cells.pop(self.settle_index)
        outcome = self.outcomes.pop(self.settle_index, None)
        if outcome is not None and outcome["status"] == "error":
            return outcome.get("message")
        return late_error(settle.outputs)

    def report(self):
        after_last = self.remove_settle_cell()
        cell_count = len(self.nb.cells)
        last_runnable = max((i for i, c in enumerate(self.nb.cells) if runnable(c)), default=None)
        cells, failures = [], []
        for index, cell in enumerate(self.nb.cells):
            if not runnable(cell):
                continue
            outcome = dict(self.outcomes.get(index, {"status": "unexecuted", "message": "the cell was never executed"}))
            errors = [o for o in cell.outputs if o.get("output_type") == "error"]
            raises = expected_error(cell)
            if raises is not None and outcome["status"] in ("ok", "error"):
                # nbclient keeps a raises-exception cell's error output and goes on; the expectation is checked here.
                shown = errors[0] if errors else self.reply_errors.get(index, {} if outcome["status"] == "error" else None)
                error = (shown.get("ename"), shown.get("evalue")) if shown is not None else None
                problem = raises_problem(raises, error)
                rest = {key: value for key, value in outcome.items() if key != "message"}
                outcome = {**rest, "status": "error", "message": problem} if problem else {**rest, "status": "ok", "raised": f"{error[0]}: {error[1]}"}
                errors = []
            if outcome["status"] == "ok" and errors:
                outcome = {**outcome, "status": "error", "message": error_message(errors[0].get("ename"), errors[0].get("evalue"), errors[0].get("traceback"))}
            late = late_error(cell.outputs) if outcome["status"] == "ok" else None
            if late:
                outcome = {**outcome, "status": "error", "message": f"an error thrown later by a timer or promise surfaced in or after this cell: {late}"}
            elif after_last and index == last_runnable and outcome["status"] == "ok":
                outcome = {**outcome, "status": "error", "message": f"an error thrown later by a timer or promise surfaced after the last cell: {after_last}"}
            if outcome["status"] == "ok" and cell.get("execution_count") is None:
                outcome = {**outcome, "status": "unexecuted", "message": "the cell has no execution_count"}
            entry = {"index": index, "number": index + 1, "cellCount": cell_count, "source": lesson_source(cell),
                     "executionCount": cell.get("execution_count"), **outcome}
            cells.append(entry)
            cell.metadata.setdefault("convlab", {})["run"] = {"status": entry["status"], "seconds": entry.get("seconds")}
            if entry["status"] != "ok":
                failures.append(entry)
        crash = getattr(self, "crash", None)
        if crash:
            failures.insert(0, {"index": None, "number": None, "cellCount": cell_count, "source": None, "status": "crashed", "message": crash})
        return {"notebook": self.path, "passed": not failures, "seconds": self.seconds, "cells": cells, "failures": failures}


def exit_with_parent():
    """nbrun waits for this script; if nbrun is killed, this script (and through it the kernel) must not run on as an
    orphan for the rest of the notebooks. Checked every second in a daemon thread, as ipykernel watches its parent."""
    import threading
    parent = os.getppid()
    if parent <= 1:
        return

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                print(f"nbrun: the parent process {parent} is gone; stopping", file=sys.stderr, flush=True)
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main():
    exit_with_parent()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--kernel", default="convlab")
    parser.add_argument("--timeout", type=int, default=600, help="default per-cell timeout in seconds")
    parser.add_argument("--out", default="artifacts/notebooks", help="folder for executed notebooks and report.json")
    parser.add_argument("--quick", action="store_true", help="run cells with their metadata.convlab.ci overrides")
    parser.add_argument("--report", help="where to write the report (default OUT/report.json); main.ts gives a fresh path per run")
    parser.add_argument("--run-id", help="copied into the report, so the caller can tell this run's report from an old one")
    args = parser.parse_args()

    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(f"nbrun: no Jupyter kernel named {args.kernel!r}; run `npm run kernel:install` (or set JUPYTER_PATH)", file=sys.stderr)
        return 2

    os.makedirs(args.out, exist_ok=True)
    results = []
    for path in args.notebooks:
        print(f"nbrun: executing {path}", file=sys.stderr, flush=True)
        try:
            run = NotebookRun(path, args.kernel, args.timeout, quick=args.quick)
        except Exception as problem:  # an unreadable or invalid notebook: report it, go on
            results.append({"notebook": path, "passed": False, "seconds": 0, "cells": [],
                            "failures": [{"index": None, "number": None, "cellCount": 0, "source": None,
                                          "status": "not started", "message": f"{type(problem).__name__}: {problem}"}]})
            continue
        result = run.run()
        artifact = os.path.join(args.out, os.path.basename(path))
        try:
            nbformat.write(run.nb, artifact)
            result["artifact"] = artifact
        except OSError as problem:  # the run's verdict stands; losing the copy must not lose the whole report
            result["passed"] = False
            result["failures"].insert(0, {"index": None, "number": None, "cellCount": len(run.nb.cells), "source": None,
                                          "status": "not saved", "message": f"cannot write {artifact}: {problem}"})
        results.append(result)

    # Written whole under a temporary name, then renamed: a run killed while writing leaves no half report.
    report_path = args.report or os.path.join(args.out, "report.json")
    with open(report_path + ".partial", "w") as report_file:
        json.dump({"runId": args.run_id, "kernel": args.kernel, "defaultTimeout": args.timeout, "notebooks": results}, report_file, indent=2)
    os.replace(report_path + ".partial", report_path)
    return 0 if all(result["passed"] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
