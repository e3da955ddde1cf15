#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""bench/shuffle.py: whole-process times of a few commands, in random order.

hyperfine runs each command's rounds back to back, so a noisy minute lands on
one row. Here every round runs each command once, in a new random order,
with a 10 ms pause before each, and the medians compare commands that saw
the same noise. Used by bench/README.md's start section (issue 7).

    bench/shuffle.py ROUNDS NAME='[VAR=VALUE...] COMMAND ARG...' ...

Prints, per command, the median and the quartiles in ms, and the ratio of
each median to the first command's. Exits non-zero if a command fails.
"""
import os
import random
import shlex
import statistics
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    cmds = []
    for arg in sys.argv[2:]:
        name, _, line = arg.partition("=")
        words = shlex.split(line)
        env = dict(os.environ)
        while words and "=" in words[0] and not words[0].startswith("/"):
            k, _, v = words.pop(0).partition("=")
            env[k] = v
        if not name or not words:
            sys.exit(f"shuffle: bad command: {arg}")
        cmds.append((name, words, env))
    times = {name: [] for name, _, _ in cmds}
    devnull = os.open(os.devnull, os.O_RDWR)
    failed = False
    for i in range(rounds + 3):  # three warm-up rounds
        order = list(cmds)
        random.shuffle(order)
        for name, words, env in order:
            time.sleep(0.01)
            t = time.perf_counter()
            pid = os.posix_spawn(words[0], words, env,
                                 file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1)])
            _, status = os.waitpid(pid, 0)
            ms = (time.perf_counter() - t) * 1000
            if status != 0:
                print(f"shuffle: {name} failed (status {status})", file=sys.stderr)
                failed = True
            if i >= 3:
                times[name].append(ms)
    first = statistics.median(times[cmds[0][0]])
    print(f"| command ({rounds} rounds) | median (ms) | 25th-75th (ms) | vs {cmds[0][0]} |")
    print("|---|---:|---:|---:|")
    for name, _, _ in cmds:
        q = statistics.quantiles(times[name], n=4)
        m = statistics.median(times[name])
        print(f"| {name} | {m:.2f} | {q[0]:.2f}-{q[2]:.2f} | {m / first:.2f}x |")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
