"""Runs one program for the download benchmark and measures it.

Run it with any python3 (it needs no libtorrent):

  _run.py [--timeout SECONDS] [--out FILE] [--log FILE] -- PROGRAM [ARGS...]

Starts PROGRAM in a new session (its own process group) with standard input
from /dev/null and its output appended to --log (or inherited), waits for it
with wait4(2) and writes one JSON object to --out (or standard output):

  {"code": int|null, "signal": int|null, "wall_s": float, "user_s": float,
   "sys_s": float, "maxrss_kib": int, "max_anon_kib": int, "timed_out": bool,
   "stopped": bool}

wall_s runs from just before the fork to the moment the program is reaped;
user_s, sys_s and maxrss_kib are the program's rusage (with every descendant
it waited for), as GNU time's %U %S %M report them. maxrss also counts file
pages mapped into the process (libtorrent 2 maps the files it downloads), so
max_anon_kib adds the peak of RssAnon + RssShmem over the program and its
descendants, sampled from /proc every 20 ms: the memory that is its own.

The program's group is ended (SIGTERM, then SIGKILL after 5 s) when --timeout
passes, when this runner's standard input closes (the benchmark died or wants
it stopped), or on SIGTERM/SIGINT; whatever is left of the group is killed
once the program has exited, so nothing outlives a run.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time


def main(argv):
    timeout, out, log = None, None, None
    i = 0
    while i < len(argv) and argv[i] != "--":
        opt = argv[i]
        if i + 1 >= len(argv):
            sys.exit("option %s needs a value" % opt)
        if opt == "--timeout":
            timeout = float(argv[i + 1])
        elif opt == "--out":
            out = argv[i + 1]
        elif opt == "--log":
            log = argv[i + 1]
        else:
            sys.exit(__doc__)
        i += 2
    command = argv[i + 1:]
    if not command:
        sys.exit(__doc__)

    log_file = open(log, "ab") if log else None
    state = {"timed_out": False, "stopped": False}
    lock = threading.Lock()
    done = threading.Event()
    start = time.monotonic()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log_file,
                             stderr=log_file, start_new_session=True)
    pgid = child.pid

    def end_group(reason):
        with lock:
            if done.is_set() or state["timed_out"] or state["stopped"]:
                return
            state[reason] = True
        signal_group(pgid, signal.SIGTERM)
        if not done.wait(5):
            signal_group(pgid, signal.SIGKILL)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: threading.Thread(
            target=end_group, args=("stopped",), daemon=True).start())

    def watch_stdin():
        try:
            while os.read(0, 4096):
                pass
        except OSError:
            pass
        end_group("stopped")

    threading.Thread(target=watch_stdin, daemon=True).start()
    peak_anon = [0]

    def sample_memory():
        while not done.wait(0.02):
            peak_anon[0] = max(peak_anon[0], tree_anon_kib(child.pid))

    threading.Thread(target=sample_memory, daemon=True).start()
    if timeout is not None:
        timer = threading.Timer(timeout, end_group, args=("timed_out",))
        timer.daemon = True
        timer.start()

    while True:
        try:
            _, status, usage = os.wait4(child.pid, 0)
            break
        except InterruptedError:
            continue
    wall = time.monotonic() - start
    done.set()
    child.returncode = 0  # reaped here; keeps Popen from waiting again
    signal_group(pgid, signal.SIGKILL)
    result = {
        "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "wall_s": wall,
        "user_s": usage.ru_utime,
        "sys_s": usage.ru_stime,
        "maxrss_kib": usage.ru_maxrss,
        "max_anon_kib": peak_anon[0],
        "timed_out": state["timed_out"],
        "stopped": state["stopped"],
    }
    text = json.dumps(result) + "\n"
    if out:
        try:
            with open(out, "w") as f:
                f.write(text)
        except OSError as e:  # the benchmark is gone and took its folder
            sys.stderr.write("_run.py: %s\n" % e)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    # Not a normal exit: the stdin thread may still be blocked in read().
    os._exit(0)


def tree_anon_kib(pid):
    """RssAnon + RssShmem summed over a process and its descendants, in KiB."""
    total = 0
    todo = [pid]
    while todo:
        pid = todo.pop()
        try:
            with open("/proc/%d/status" % pid) as f:
                for line in f:
                    if line.startswith(("RssAnon:", "RssShmem:")):
                        total += int(line.split()[1])
            for task in os.listdir("/proc/%d/task" % pid):
                with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                    todo.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):
            continue
    return total


def signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


if __name__ == "__main__":
    main(sys.argv[1:])
