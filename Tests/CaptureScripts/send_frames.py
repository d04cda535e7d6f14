#!/usr/bin/env python3
"""Sends a deterministic mix of Ethernet frames from a raw packet socket (used by the capture integration tests and
the benchmark): BACnet/IP on several ports of 47808-47823 and on a user port, non-BACnet UDP and TCP, IPv6 BACnet,
large BACnet datagrams fragmented by hand (IPv4 and IPv6, first fragment first and last fragment first), fragments
of a non-BACnet datagram, and 802.1Q / 802.1ad-tagged BACnet.

usage: send_frames.py IFACE [--user-port N] [--repeat N] [--plain N] [--who-is N] [--list]
  --plain N  send N plain BACnet/IP frames to 47808 instead of the mix.
  --who-is N send N Who-Is broadcasts (Original-Broadcast-NPDU to 47808) instead of the mix.
  --list   print, one line per frame, "keep" or "drop" and a label, instead of sending (the expected verdicts).
"""
import socket
import struct
import sys

SRC_MAC = bytes.fromhex("020000000001")
DST_MAC = bytes.fromhex("020000000002")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(proto, payload, ident=1, frag=0, mf=False, src="10.9.0.1", dst="10.9.0.2"):
    flags_frag = (0x2000 if mf else 0) | (frag // 8)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_frag, 64, proto, 0,
                      socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(nh, payload, src="fd00::1", dst="fd00::2"):
    return struct.pack("!IHBB16s16s", 0x60000000, len(payload), nh, 64, socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, payload):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 0x50, 0x18, 8192, 0, 0) + payload


def eth(ethertype, payload, tags=()):
    out = DST_MAC + SRC_MAC
    for tpid, tci in tags:
        out += struct.pack("!HH", tpid, tci)
    return out + struct.pack("!H", ethertype) + payload


def bvlc(n, size=24):
    # BVLC Original-Unicast-NPDU, NPDU version 1 control 0x04 (expecting reply), APDU Confirmed ReadProperty.
    body = bytes([0x01, 0x04, 0x00, 0x05, n & 0xFF, 0x0C, 0x0C, 0x02, 0x00, 0x00, 0x01, 0x19, 0x55])
    body += bytes((i * 7 + n) & 0xFF for i in range(max(0, size - 4 - len(body))))
    return struct.pack("!BBH", 0x81, 0x0A, 4 + len(body)) + body


def fragments_v4(sport, dport, size, ident, reverse=False):
    data = udp(sport, dport, bvlc(ident, size))
    pieces, off = [], 0
    while off < len(data):
        chunk = data[off:off + 1400]
        pieces.append(ipv4(17, chunk, ident=ident, frag=off, mf=off + 1400 < len(data)))
        off += 1400
    return list(reversed(pieces)) if reverse else pieces


def fragments_v6(sport, dport, size, ident):
    data = udp(sport, dport, bvlc(ident, size))
    pieces, off = [], 0
    while off < len(data):
        chunk = data[off:off + 1232]
        more = 1 if off + 1232 < len(data) else 0
        fh = struct.pack("!BBHI", 17, 0, off | more, ident)
        pieces.append(ipv6(44, fh + chunk))
        off += 1232
    return pieces


def frames(user_port):
    out = []
    n = 0
    for port in (47808, 47809, 47815, 47823):
        n += 1
        out.append(("keep", "bacnet-dst-%d" % port, eth(0x0800, ipv4(17, udp(40000 + n, port, bvlc(n))))))
        n += 1
        out.append(("keep", "bacnet-src-%d" % port, eth(0x0800, ipv4(17, udp(port, 50000 + n, bvlc(n))))))
    out.append(("keep", "user-port", eth(0x0800, ipv4(17, udp(33333, user_port, bvlc(20))))))
    out.append(("drop", "udp-47807", eth(0x0800, ipv4(17, udp(40000, 47807, bvlc(21))))))
    out.append(("drop", "udp-47824", eth(0x0800, ipv4(17, udp(47824, 40000, bvlc(22))))))
    out.append(("drop", "udp-dns", eth(0x0800, ipv4(17, udp(5353, 53, b"\0" * 30)))))
    out.append(("drop", "tcp-47808", eth(0x0800, ipv4(6, tcp(40000, 47808, bvlc(23))))))
    out.append(("drop", "arp", eth(0x0806, bytes(28))))
    out.append(("keep", "ipv6-bacnet", eth(0x86DD, ipv6(17, udp(40001, 47808, bvlc(24))))))
    out.append(("drop", "ipv6-other", eth(0x86DD, ipv6(17, udp(40001, 9999, bvlc(25))))))
    for i, f in enumerate(fragments_v4(40002, 47808, 4000, 0x1234)):
        out.append(("keep", "frag4-%d" % i, eth(0x0800, f)))
    for i, f in enumerate(fragments_v4(40003, 47810, 3000, 0x1235, reverse=True)):
        out.append(("keep", "frag4-rev-%d" % i, eth(0x0800, f)))
    for i, f in enumerate(fragments_v4(40004, 9999, 3000, 0x1236)):
        out.append(("drop", "frag4-other-%d" % i, eth(0x0800, f)))
    for i, f in enumerate(fragments_v6(40005, 47808, 3000, 0x77)):
        out.append(("keep", "frag6-%d" % i, eth(0x86DD, f)))
    out.append(("keep", "vlan-8021q", eth(0x0800, ipv4(17, udp(40006, 47808, bvlc(26))), tags=[(0x8100, 0x0064)])))
    out.append(("keep", "vlan-prio", eth(0x0800, ipv4(17, udp(40007, 47812, bvlc(27))), tags=[(0x8100, 0xA00A)])))
    out.append(("drop", "vlan-other", eth(0x0800, ipv4(17, udp(40008, 1234, bvlc(28))), tags=[(0x8100, 0x0064)])))
    out.append(("keep", "qinq", eth(0x0800, ipv4(17, udp(40009, 47808, bvlc(29))), tags=[(0x88A8, 0x0010), (0x8100, 0x0020)])))
    out.append(("keep", "vlan-ipv6", eth(0x86DD, ipv6(17, udp(40010, 47808, bvlc(30))), tags=[(0x8100, 0x0065)])))
    return out


def main():
    args = sys.argv[1:]
    iface = args[0]
    user_port = int(args[args.index("--user-port") + 1]) if "--user-port" in args else 5555
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 1
    fs = frames(user_port)
    if "--plain" in args:
        count = int(args[args.index("--plain") + 1])
        fs = [("keep", "plain-%d" % i, eth(0x0800, ipv4(17, udp(40000, 47808, bvlc(i))))) for i in range(count)]
    if "--who-is" in args:
        count = int(args[args.index("--who-is") + 1])
        who_is = struct.pack("!BBH", 0x81, 0x0B, 8) + bytes([0x01, 0x00, 0x10, 0x08])
        fs = [("keep", "who-is-%d" % i, b"\xff" * 6 + SRC_MAC + struct.pack("!H", 0x0800)
               + ipv4(17, udp(47808, 47808, who_is), ident=i + 1, dst="10.9.0.255")) for i in range(count)]
    if "--list" in args:
        for verdict, label, f in fs:
            print(verdict, label, f.hex())
        return
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for _ in range(repeat):
        for _, _, f in fs:
            s.send(f)


if __name__ == "__main__":
    main()
