#!/usr/bin/env python3
"""measure.py - runs one command with a wall-clock limit and records how it
ended, how long it took and its peak resident set (tests/e2e/test_hostile.sh,
tests/e2e/test_diskfull.sh). Standard library only, so no GNU time is needed.

    measure.py LIMIT_SECONDS RESULT_FILE COMMAND [ARG...]

The command's stdin, stdout and stderr are this program's. RESULT_FILE gets
one line "STATUS SECONDS PEAK_RSS_KB", where STATUS is the exit status, or
128+N when signal N ended it, or "timeout" when it ran past the limit (it is
then killed with SIGKILL). The peak RSS is the largest of the command and
the processes it waited for (getrusage RUSAGE_CHILDREN, ru_maxrss in KB on
Linux). measure.py exits 0 whenever it could run the command.
"""
import resource
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    limit, out, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
    t0 = time.monotonic()
    try:
        p = subprocess.Popen(cmd)
    except OSError as e:
        sys.stderr.write("measure.py: %s: %s\n" % (cmd[0], e.strerror))
        return 2
    try:
        rc = p.wait(timeout=limit)
        status = str(rc if rc >= 0 else 128 - rc)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        status = "timeout"
    secs = time.monotonic() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out, "w") as f:
        f.write("%s %.2f %d\n" % (status, secs, rss))
    return 0


if __name__ == "__main__":
    sys.exit(main())
