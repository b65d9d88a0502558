#!/usr/bin/env python3
"""t/ike/gre_ping.py: ping through GRE without a GRE module in the kernel.

Usage: gre_ping.py OUTER_SRC OUTER_DST INNER_SRC INNER_DST COUNT SECONDS

Sends COUNT ICMP echo requests INNER_SRC -> INNER_DST, each in GRE
(RFC 2784, no key, protocol 0x0800) in IPv4 OUTER_SRC -> OUTER_DST, from
a raw IPPROTO_GRE socket (the kernel writes the outer header and routes
it, e.g. into a strongSwan libipsec TUN), and reads GRE packets from
OUTER_DST to OUTER_SRC on the same socket (a raw socket sees every packet
of its protocol, handler or not) for echo replies INNER_DST -> INNER_SRC
with our identifier. Prints what it sent and got; exit 0 when every
request was answered within SECONDS, 1 otherwise, 2 on bad arguments.
"""
import os
import select
import socket
import struct
import sys
import time

GRE_PROTO_IPV4 = 0x0800


def cksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def echo_request(src, dst, ident, seq):
    payload = b"coimesh gre_ping %05d" % seq
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", cksum(icmp)) + icmp[4:]
    tot = 20 + len(icmp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, seq, 0, 64, 1, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", cksum(ip)) + ip[12:]
    return struct.pack("!HH", 0, GRE_PROTO_IPV4) + ip + icmp


def parse_reply(pkt, outer_src, outer_dst, inner_src, inner_dst, ident):
    """The sequence number of an echo reply for us in pkt, else None."""
    if len(pkt) < 20 or pkt[0] >> 4 != 4:
        return None
    ihl = (pkt[0] & 0x0F) * 4
    if pkt[9] != 47 or pkt[12:16] != socket.inet_aton(outer_dst) or \
            pkt[16:20] != socket.inet_aton(outer_src):
        return None
    gre = pkt[ihl:]
    if len(gre) < 4:
        return None
    flags, proto = struct.unpack("!HH", gre[:4])
    if proto != GRE_PROTO_IPV4 or flags & 0x7FFF:
        return None
    inner = gre[4:]
    if len(inner) < 28 or inner[0] >> 4 != 4 or inner[9] != 1:
        return None
    iihl = (inner[0] & 0x0F) * 4
    if inner[12:16] != socket.inet_aton(inner_dst) or \
            inner[16:20] != socket.inet_aton(inner_src):
        return None
    icmp = inner[iihl:]
    if len(icmp) < 8 or icmp[0] != 0:
        return None
    _, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
    return rseq if rid == ident else None


def main(argv):
    if len(argv) != 7:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    osrc, odst, isrc, idst = argv[1:5]
    count, secs = int(argv[5]), float(argv[6])
    ident = os.getpid() & 0xFFFF
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
    s.bind((osrc, 0))
    got = set()
    deadline = time.monotonic() + secs
    for seq in range(1, count + 1):
        s.sendto(echo_request(isrc, idst, ident, seq), (odst, 0))
        # wait up to a second for this one, taking any reply that comes
        until = min(deadline, time.monotonic() + 1.0)
        while seq not in got and time.monotonic() < until:
            r, _, _ = select.select([s], [], [], until - time.monotonic())
            if not r:
                break
            rseq = parse_reply(s.recv(65535), osrc, odst, isrc, idst,
                               ident)
            if rseq is not None:
                got.add(rseq)
    while len(got) < count and time.monotonic() < deadline:
        r, _, _ = select.select([s], [], [], deadline - time.monotonic())
        if not r:
            break
        rseq = parse_reply(s.recv(65535), osrc, odst, isrc, idst, ident)
        if rseq is not None:
            got.add(rseq)
    print("gre_ping %s -> %s in GRE %s -> %s: %d sent, %d answered" %
          (isrc, idst, osrc, odst, count, len(got)))
    return 0 if len(got) == count else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
