#!/usr/bin/env python3
"""Writes the anonymize fixtures (deterministic; standard library only).

    python3 Scripts/make_anonymize_fixtures.py   # writes into Fixtures/anonymize
"""
import gzip
import os
import struct

os.chdir(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures", "anonymize"))

# A BACnet/IP Who-Is broadcast in Ethernet/IPv4/UDP, and an I-Am answer.
def udp_frame(src_ip, dst_ip, payload, dst_mac=b"\xff" * 6, src_mac=b"\x00\x1b\x4f\x00\x00\x01"):
    udp = struct.pack("!HHHH", 47808, 47808, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, bytes(src_ip), bytes(dst_ip))
    s = sum(struct.unpack("!10H", ip))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    ip = ip[:10] + struct.pack("!H", 0xFFFF - s) + ip[12:]
    return dst_mac + src_mac + b"\x08\x00" + ip + udp

WHO_IS = bytes.fromhex("810b000c0120ffff00ff1008")
I_AM = bytes.fromhex("810b00180120ffff00ff1000c4020000642205c49103220104")
PACKETS = [
    (1700000000, 123456, udp_frame([192, 168, 1, 10], [192, 168, 1, 255], WHO_IS)),
    (1700000000, 223456, udp_frame([192, 168, 1, 20], [192, 168, 1, 255], I_AM)),
    (1700000001, 5, udp_frame([192, 168, 1, 10], [192, 168, 1, 255], WHO_IS)),
]

def pcap():
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for sec, usec, data in PACKETS:
        out += struct.pack("<IIII", sec, usec, len(data), len(data)) + data
    return out

def pad(b):
    return b + b"\0" * (-len(b) % 4)

def opt(code, value, e="<"):
    return struct.pack(e + "HH", code, len(value)) + pad(value)

def opts(pairs, e="<"):
    if not pairs:
        return b""
    return b"".join(opt(c, v, e) for c, v in pairs) + struct.pack(e + "HH", 0, 0)

def block(btype, body, e="<"):
    body = pad(body)
    n = 12 + len(body)
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)

def shb(options=(), e="<"):
    return block(0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1) + opts(list(options), e), e)

def idb(options=(), e="<"):
    return block(1, struct.pack(e + "HHI", 1, 0, 0) + opts(list(options), e), e)

def epb(sec, usec, data, options=(), e="<"):
    ts = sec * 1000000 + usec
    return block(6, struct.pack(e + "IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(data), len(data)) + pad(data)
                 + opts(list(options), e), e)

def plain_pcapng():
    return shb() + idb() + b"".join(epb(s, u, d) for s, u, d in PACKETS)

# Every descriptive-text carrier the scrubber must remove, with strings that must not survive.
def metadata_pcapng():
    e = "<"
    out = shb([(1, b"COMMENT-SHB acme hospital"), (2, b"HW-ACME-HOSPITAL-SRV1"), (3, b"OS-ACME-Linux 6.1"),
               (4, b"APP-ACME-Capture 2.0"), (2988, struct.pack("<I", 32473) + b"CUSTOM-OPT-ACME")], e)
    out += idb([(2, b"IFNAME-acme-eth0"), (3, b"IFDESC-AHU3 plant room"), (9, b"\x06"),
                (12, b"IFOS-ACME-Linux"), (15, b"IFHW-ACME-NIC"), (1, b"COMMENT-IDB site B"),
                (11, b"\x00" + b"udp port 47808"), (6, b"\x00\x1b\x4f\x00\x00\x01")], e)
    # NRB: one IPv4 record with two host names, an option with the DNS server name.
    rec = struct.pack(e + "HH", 1, 4 + len(b"HOST-acme-ahu3\0HOST-acme-ahu3.example\0")) + pad(
        bytes([192, 168, 1, 20]) + b"HOST-acme-ahu3\0HOST-acme-ahu3.example\0")
    out += block(4, rec + struct.pack(e + "HH", 0, 0) + opts([(2, b"DNS-acme-resolver"), (1, b"COMMENT-NRB")], e), e)
    for i, (s, u, d) in enumerate(PACKETS):
        o = [(2, struct.pack(e + "I", 1))]
        if i == 1:
            o.append((1, b"COMMENT-EPB chiller 7 answered"))
        out += epb(s, u, d, o, e)
        if i == 0:
            secret = b"CLIENT_RANDOM SECRET-ACME-0001 abcd\n"
            out += block(10, struct.pack(e + "II", 0x544C534B, len(secret)) + pad(secret), e)
            out += block(0x00000BAD, struct.pack(e + "I", 32473) + b"CUSTOMBLOCK-ACME-copyable", e)
            out += block(0x40000BAD, struct.pack(e + "I", 32473) + b"CUSTOMBLOCK-ACME-nocopy", e)
    # ISB with a comment and counters (the counters stay, the comment goes).
    out += block(5, struct.pack(e + "III", 0, 0, 0) + opts([(1, b"COMMENT-ISB end of site visit"),
                                                           (4, struct.pack(e + "Q", 3))], e), e)
    # A second section, big-endian, with its own interface and a packet.
    b = ">"
    out += shb([(3, b"OS-SECOND-SECTION-ACME")], b)
    out += idb([(2, b"IFNAME-second-acme")], b)
    out += epb(1700000002, 42, PACKETS[0][2], [(1, b"COMMENT-BE-EPB")], b)
    return out

def gz(name, data):
    # mtime fixed so the file is reproducible; the header carries the original name, as gzip(1) writes it.
    with open(name, "wb") as f:
        with gzip.GzipFile(filename=name[:-3], mode="wb", fileobj=f, mtime=1700000000) as z:
            z.write(data)

def main():
    files = {
        "bacnet.pcap": pcap(),
        "bacnet.pcapng": plain_pcapng(),
        "really-pcapng.pcap": plain_pcapng(),
        "metadata.pcapng": metadata_pcapng(),
        "notes.txt": b"site visit notes, not a capture\n",
        "truncated-header.pcap": pcap()[:20],
    }
    for name, data in files.items():
        with open(name, "wb") as f:
            f.write(data)
    gz("bacnet.pcap.gz", pcap())
    gz("bacnet.pcapng.gz", plain_pcapng())

if __name__ == "__main__":
    main()
