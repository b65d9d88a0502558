#!/usr/bin/env python3
# mkikesmseeds.py: write the seeds of t/fuzz/corpus/ike_sm (the input
# format is in fuzz_ike_sm.c) from the strongSwan exchange captured in
# t/unit/ike_vectors.h: its IKE_SA_INIT request as a datagram, and the
# inner payloads of its IKE_AUTH request (opened here with its SK_ei) to
# be forged by the target with the keys of the SA it made.
#	t/fuzz/mkikesmseeds.py t/fuzz/corpus/ike_sm
import re
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

src = open("t/unit/ike_vectors.h").read()


def vec(name):
    m = re.search(r"static const unsigned char %s\[\] = \{(.*?)\};" % name,
                  src, re.S)
    return bytes(int(x, 16) for x in re.findall(r"0x([0-9a-fA-F]{2})",
                                               m.group(1)))


def rec(kind, data):
    return struct.pack(">BH", kind, len(data)) + data


def forge(exch, flags, msgid, first, chain):
    return rec(2, struct.pack(">BBIB", exch, flags, msgid, first) + chain)


def pld(nxt, body):
    return struct.pack(">BBH", nxt, 0, 4 + len(body)) + body


init = vec("v_msg1")
msg3 = vec("v_msg3")
key = vec("v_sk_ei")
# SK: generic header at 28, IV 8, ciphertext, ICV 16
first = msg3[28]
sklen = struct.unpack(">H", msg3[30:32])[0]
iv = msg3[32:40]
ct = msg3[40:28 + sklen]
plain = AESGCM(key[:-4]).decrypt(key[-4:] + iv, ct, msg3[:32])
auth_chain = plain[:-(plain[-1] + 1)]

IKE_AUTH, INFORMATIONAL = 35, 37
I = 0x08
seeds = {
    "init": rec(0, init),
    "init-again-other": rec(0, init) + rec(0, init) + rec(3, init),
    "init-4500": rec(1, b"\0\0\0\0" + init) + rec(1, b"\xff") +
    rec(1, b"\x01\x02\x03\x04\x00\x00\x00\x01" + bytes(24)),
    "init-auth-strongswan": rec(0, init) +
    forge(IKE_AUTH, I, 1, first, auth_chain),
    "init-auth-twice": rec(0, init) +
    forge(IKE_AUTH, I, 1, first, auth_chain) +
    forge(IKE_AUTH, I, 1, first, auth_chain),
    # AUTH payload with junk: IDi FQDN, AUTH method 14
    "init-auth-junk": rec(0, init) + forge(
        IKE_AUTH, I, 1, 35,
        pld(39, b"\x02\0\0\0a.example") + pld(0, b"\x0e\0\0\0" + bytes(8))),
    "init-delete": rec(0, init) +
    forge(INFORMATIONAL, I, 1, 42, pld(0, b"\x01\x00\x00\x00")),
    "init-dpd": rec(0, init) + forge(INFORMATIONAL, I, 1, 0, b""),
    "init-delete-child": rec(0, init) + forge(
        INFORMATIONAL, I, 1, 42, pld(0, b"\x03\x04\x00\x01\x12\x34\x56\x78")),
    "init-x6": b"".join(rec(0, init[:7] + bytes([i]) + init[8:])
                        for i in range(6)),
}
for name, data in seeds.items():
    with open("%s/%s" % (sys.argv[1], name), "wb") as f:
        f.write(data)
