#!/usr/bin/env python3
"""Run a terminal program in a pseudo-terminal and measure what one event
costs on the wire, or what idling costs the machine.

  ptyrun.py event --cmd-event 'virsh ... suspend g1' [--window 3] -- CMD ...
      bytes written in the WINDOW seconds after the event command ran,
      minus the bytes of an idle window of the same length just before it
  ptyrun.py idle [--seconds 60] -- CMD ...
      CPU seconds (user+system) the program used while idle, and its peak
      resident set size (VmHWM)

Both wait for the first paint to settle first and quit with 'q'.  Prints
one JSON object.
"""
import argparse, fcntl, json, os, pty, select, signal, struct, subprocess, sys, termios, time


def start(cmd, cols, rows, term):
    env = dict(os.environ, TERM=term, COLUMNS=str(cols), LINES=str(rows))
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cmd[0], cmd, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    return pid, fd


def read_for(fd, seconds, quiet=None):
    """Bytes read in SECONDS (or until QUIET seconds without output)."""
    n = 0
    end = time.monotonic() + seconds
    last = time.monotonic()
    while True:
        now = time.monotonic()
        if now >= end or (quiet and n and now - last >= quiet):
            return n
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                return n
            if not d:
                return n
            n += len(d)
            last = time.monotonic()


def stop(pid, fd):
    os.write(fd, b'q')
    for _ in range(60):
        p, _ = os.waitpid(pid, os.WNOHANG)
        if p:
            return
        try:
            os.read(fd, 65536)
        except OSError:
            pass
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def cpu_seconds(pid):
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    tick = os.sysconf('SC_CLK_TCK')
    return (int(fields[11]) + int(fields[12])) / tick  # utime, stime


def peak_rss_kib(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmHWM:'):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['event', 'idle'])
    ap.add_argument('--cols', type=int, default=80)
    ap.add_argument('--rows', type=int, default=24)
    ap.add_argument('--term', default='xterm-256color')
    ap.add_argument('--settle', type=float, default=10.0)
    ap.add_argument('--cmd-event', help='shell command that makes the event')
    ap.add_argument('--window', type=float, default=3.0)
    ap.add_argument('--seconds', type=float, default=60.0)
    argv = sys.argv[1:]
    if '--' not in argv:
        ap.error('the command goes after --')
    cut = argv.index('--')
    a = ap.parse_args(argv[:cut])
    cmd = argv[cut + 1:]
    pid, fd = start(cmd, a.cols, a.rows, a.term)
    read_for(fd, a.settle, quiet=1.0)
    res = dict(cmd=' '.join(cmd), cols=a.cols, rows=a.rows)
    if a.mode == 'event':
        before = read_for(fd, a.window)
        subprocess.run(a.cmd_event, shell=True, check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        after = read_for(fd, a.window)
        res.update(idle_window_bytes=before, event_window_bytes=after,
                   event_bytes=max(after - before, 0), window_s=a.window)
    else:
        c0 = cpu_seconds(pid)
        read_for(fd, a.seconds)
        c1 = cpu_seconds(pid)
        res.update(idle_s=a.seconds, cpu_s=round(c1 - c0, 3),
                   cpu_pct=round((c1 - c0) / a.seconds * 100, 2),
                   peak_rss_mib=round(peak_rss_kib(pid) / 1024, 1))
    stop(pid, fd)
    print(json.dumps(res))


if __name__ == '__main__':
    main()
