#!/usr/bin/env python3
"""Time until a program's first complete screen, in a pseudo-terminal.

  firstpaint.py [--cols 80] [--rows 24] [--marker TEXT] [--keys q] -- CMD...

Starts CMD in a pty of the given size and reports, as JSON, the seconds until
TEXT has appeared in its output (or, without --marker, until it exits), and
the bytes written by then. Escape sequences are stripped before matching, so
the marker is looked for in the text as drawn."""
import argparse, fcntl, json, os, pty, re, select, signal, struct, termios, time

ESC = re.compile(rb'\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78DEHMc])')

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
    env = dict(os.environ, TERM=a.term, COLUMNS=str(a.cols), LINES=str(a.rows))
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cmd[0], cmd, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', a.rows, a.cols, 0, 0))
    buf = b''; found = None; marker = a.marker.encode() if a.marker else None
    while time.monotonic() - t0 < a.timeout:
        r, _, _ = select.select([fd], [], [], 0.01)
        if not r:
            continue
        try:
            d = os.read(fd, 65536)
        except OSError:
            d = b''
        if not d:
            found = time.monotonic() - t0 if marker is None else None
            break
        buf += d
        if marker and marker in ESC.sub(b'', buf):
            found = time.monotonic() - t0
            break
    for k in a.keys:
        os.write(fd, k.encode()); time.sleep(0.05)
    for _ in range(40):
        p, _ = os.waitpid(pid, os.WNOHANG)
        if p:
            break
        try: os.read(fd, 65536)
        except OSError: pass
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0)
    print(json.dumps(dict(cmd=' '.join(cmd), seconds=round(found, 3) if found else None,
                          bytes=len(buf))))

if __name__ == '__main__':
    main()
