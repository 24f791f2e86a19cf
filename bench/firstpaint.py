#!/usr/bin/python3
"""Time until a program's first complete screen.

  firstpaint.py [--cols 80] [--rows 24] [--marker TEXT] [--keys q] -- CMD...

Runs CMD in a pseudo-terminal of the given size and feeds what it writes to
a terminal emulator (pyte).  With --marker: the seconds until TEXT is on the
emulated screen (a full-screen program updates only the cells that change,
so the text need never pass through its output in one piece).  Without:
the seconds until CMD exits (a listing).  Prints JSON with the seconds
(null if never) and the bytes written by then.  Uses Debian's python3-pyte,
hence /usr/bin/python3."""
import argparse, fcntl, json, os, pty, select, signal, struct, termios, time

import pyte


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--cols', type=int, default=80)
    ap.add_argument('--rows', type=int, default=24)
    ap.add_argument('--marker')
    ap.add_argument('--timeout', type=float, default=30)
    ap.add_argument('--keys', default='')
    ap.add_argument('--term', default='xterm-256color')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == '--' else a.cmd
    screen = pyte.Screen(a.cols, a.rows)
    stream = pyte.ByteStream(screen)
    env = dict(os.environ, TERM=a.term, COLUMNS=str(a.cols), LINES=str(a.rows))
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cmd[0], cmd, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', a.rows, a.cols, 0, 0))
    found = None
    nbytes = 0
    while time.monotonic() - t0 < a.timeout:
        r, _, _ = select.select([fd], [], [], 0.01)
        if not r:
            continue
        try:
            d = os.read(fd, 65536)
        except OSError:
            d = b''
        if not d:
            if a.marker is None:
                found = time.monotonic() - t0
            break
        nbytes += len(d)
        stream.feed(d)
        if a.marker and any(a.marker in line for line in screen.display):
            found = time.monotonic() - t0
            break
    for k in a.keys:
        os.write(fd, k.encode())
        time.sleep(0.05)
    for _ in range(40):
        p, _ = os.waitpid(pid, os.WNOHANG)
        if p:
            break
        try:
            os.read(fd, 65536)
        except OSError:
            pass
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    print(json.dumps(dict(cmd=' '.join(cmd), seconds=round(found, 3) if found else None,
                          bytes=nbytes)))


if __name__ == '__main__':
    main()
