#!/usr/bin/env python3
"""fakebird: a fake BIRD 2 control socket for overlayd's tests.

    fakebird.py SOCKET MODEFILE LOGFILE [PROTO=enabled|disabled ...]

Listens on the unix socket SOCKET (mode 0666, replacing a stale one) and
serves one connection at a time.  At each new connection it reads the mode
from MODEFILE (one word; "normal" when the file is missing or empty), so a
test changes the behaviour by writing the file and letting the client
reconnect.  Every event is appended to LOGFILE as one line: "connect N MODE",
"cmd TEXT", "close".

Modes:
  normal     behave like BIRD 2.0.12 for "show protocols", "enable NAME",
             "disable NAME"; other commands get a 9001 syntax error.  An
             asynchronous "+" line follows the greeting.
  garbage    greet, then answer any command with bytes that are no reply
  truncated  greet, answer any command with "1002-m" and no newline, close
  unknown    greet, answer every command with code 5555 (no such class)
  huge       greet, answer with a 100000-byte line without a newline
  silent     accept and never send anything, not even the greeting
  mute       greet, then never answer
  midclose   greet, answer "show protocols" with half a table, then close
  err8       greet, answer every command "8007 Access denied"
  err9       greet, answer every command "9001 syntax error, ..."
  badgreet   send "0013 Shutdown in progress" instead of the greeting

A connection ends when the client closes it or when MODEFILE changes, so
that the client reconnects into the new mode.  Protocol states persist
across connections (like a BIRD that stays up); they start from the
PROTO=... arguments, and go back to them when MODEFILE holds "MODE reset"
(like a BIRD that restarted).
"""
import os
import socket
import sys
import time

MODES = ("normal", "garbage", "truncated", "unknown", "huge", "silent",
         "mute", "midclose", "err8", "err9", "badgreet")


def log(path, line):
    with open(path, "a") as f:
        f.write(line + "\n")


def read_modefile(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def parse_mode(text):
    words = text.split() or ["normal"]
    mode = words[0] if words[0] in MODES else "normal"
    return mode, "reset" in words[1:]


class Changed(Exception):
    """MODEFILE changed: end the connection."""


def recv(conn, modef, text):
    """conn.recv() that gives up when MODEFILE no longer holds text."""
    while True:
        try:
            return conn.recv(4096)
        except socket.timeout:
            if read_modefile(modef) != text:
                raise Changed()


def show_protocols(protos):
    t = time.strftime("%H:%M:%S.000")
    out = ["2002-Name       Proto      Table      State  Since         Info"]
    out.append("1002-device1    Device     ---        up     %s  " % t)
    for name, on in protos.items():
        state, info = ("up", "Established") if on else ("down", "")
        out.append(" %-10s BGP        ---        %-6s %s  %s" %
                   (name, state, t, info))
    out.append("0000 ")
    return "\n".join(out) + "\n"


def answer(cmd, protos):
    """The reply of a BIRD 2 in normal mode."""
    words = cmd.split()
    if cmd == "show protocols":
        return show_protocols(protos)
    if len(words) == 2 and words[0] in ("enable", "disable"):
        name, on = words[1], words[0] == "enable"
        if name not in protos:
            return ("9001 syntax error, unexpected CF_SYM_UNDEFINED, "
                    "expecting CF_SYM_KNOWN or TEXT or ALL\n")
        if protos[name] == on:
            code = 10 if on else 8
            msg = "already enabled" if on else "already disabled"
        else:
            protos[name] = on
            code = 11 if on else 9
            msg = "enabled" if on else "disabled"
        return "%04d-%s: %s\n0000 \n" % (code, name, msg)
    return "9001 syntax error, unexpected CF_SYM_UNDEFINED\n"


def serve(conn, mode, protos, logf, modef, text):
    """One connection; returns when it is over."""
    conn.settimeout(0.1)
    if mode == "silent":
        while recv(conn, modef, text):
            pass
        return
    if mode == "badgreet":
        conn.sendall(b"0013 Shutdown in progress\n")
        time.sleep(0.2)
        return
    conn.sendall(b"0001 BIRD 2.0.12 ready.\n")
    if mode == "normal":
        conn.sendall(b"+0000 fake async message\n")
    buf = b""
    while True:
        data = recv(conn, modef, text)
        if not data:
            return
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            cmd = line.decode(errors="replace").strip()
            log(logf, "cmd " + cmd)
            if mode == "normal":
                conn.sendall(answer(cmd, protos).encode())
            elif mode == "garbage":
                conn.sendall(b"\x01\x02garbage\xff\xfe no code here\n")
            elif mode == "truncated":
                conn.sendall(b"1002-m")
                time.sleep(0.1)
                return
            elif mode == "unknown":
                conn.sendall(b"5555 what is this\n")
            elif mode == "huge":
                conn.sendall(b"1002-" + b"x" * 100000)
            elif mode == "mute":
                pass
            elif mode == "midclose":
                half = show_protocols(protos).splitlines(True)[:2]
                conn.sendall("".join(half).encode())
                return
            elif mode == "err8":
                conn.sendall(b"8007 Access denied\n")
            elif mode == "err9":
                conn.sendall(b"9001 syntax error, unexpected END\n")


def main():
    if len(sys.argv) < 4:
        sys.exit("usage: fakebird.py SOCKET MODEFILE LOGFILE [NAME=enabled|disabled ...]")
    path, modef, logf = sys.argv[1:4]
    initial = {}
    for a in sys.argv[4:]:
        name, _, st = a.partition("=")
        initial[name] = st != "disabled"
    protos = dict(initial)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    os.chmod(path, 0o666)
    srv.listen(4)
    n = 0
    while True:
        conn, _ = srv.accept()
        n += 1
        text = read_modefile(modef)
        mode, reset = parse_mode(text)
        if reset:
            protos = dict(initial)
        log(logf, "connect %d %s" % (n, mode))
        try:
            serve(conn, mode, protos, logf, modef, text)
        except Changed:
            log(logf, "mode changed")
        except OSError as e:
            log(logf, "error " + str(e))
        conn.close()
        log(logf, "close")


if __name__ == "__main__":
    main()
