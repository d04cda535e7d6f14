#!/usr/bin/env python3
"""Writes one small capture per summarize finding (Fixtures/analysis/*.pcap).

Run from anywhere: python3 gen_analysis_fixtures.py [OUTDIR]. Deterministic: same bytes every run.
Each fixture and the finding it demonstrates are listed in README.md; the expected frame numbers are asserted
by Tests/BACnetAnalysisTests/FindingFixtureTests.swift.
"""
import os
import struct
import sys

BASE_T = 1_700_000_000  # 2023-11-14T22:13:20Z


def pcap(path, linktype, frames):
    """frames: list of (time_seconds_float_offset, bytes)."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for t, data in frames:
            us_total = round(t * 1_000_000)
            sec, us = divmod(us_total, 1_000_000)
            f.write(struct.pack("<IIII", BASE_T + sec, us, len(data), len(data)))
            f.write(data)


def ip(s):
    return bytes(int(x) for x in s.split("."))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def udp_frame(src, dst, payload, sport=47808, dport=47808, bcast=False):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, ip(src), ip(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    dmac = b"\xff" * 6 if bcast else b"\x02\x00" + ip(dst)
    smac = b"\x02\x00" + ip(src)
    return dmac + smac + b"\x08\x00" + hdr + udp


def bvlc(function, body):
    return struct.pack("!BBH", 0x81, function, 4 + len(body)) + body


def unicast(npdu):
    return bvlc(0x0A, npdu)


def broadcast(npdu):
    return bvlc(0x0B, npdu)


def forwarded(orig_ip, orig_port, npdu):
    return bvlc(0x04, ip(orig_ip) + struct.pack("!H", orig_port) + npdu)


# --- BACnet encoding -------------------------------------------------------------------------------------

def npdu(apdu, dnet=None, dadr=b"", snet=None, sadr=b"", expecting_reply=False, hop=255):
    control = 0
    out = b""
    if dnet is not None:
        control |= 0x20
        out += struct.pack("!HB", dnet, len(dadr)) + dadr
    if snet is not None:
        control |= 0x08
        out += struct.pack("!HB", snet, len(sadr)) + sadr
    if dnet is not None:
        out += bytes([hop])
    if expecting_reply:
        control |= 0x04
    return bytes([0x01, control]) + out + apdu


def network_message(mtype, body, snet=None, sadr=b""):
    control = 0x80
    out = b""
    if snet is not None:
        control |= 0x08
        out += struct.pack("!HB", snet, len(sadr)) + sadr
    return bytes([0x01, control]) + out + bytes([mtype]) + body


def uint_bytes(v):
    if v < 0x100:
        return bytes([v])
    if v < 0x10000:
        return struct.pack("!H", v)
    if v < 0x1000000:
        return struct.pack("!I", v)[1:]
    return struct.pack("!I", v)


def app_tag(num, data):
    return bytes([(num << 4) | len(data)]) + data if len(data) <= 4 else bytes([(num << 4) | 5, len(data)]) + data


def ctx_tag(num, data):
    return bytes([(num << 4) | 0x08 | len(data)]) + data


def objid(otype, inst):
    return struct.pack("!I", (otype << 22) | inst)


def i_am(instance, vendor=8, max_apdu=1476, seg=3):
    return (bytes([0x10, 0x00]) + app_tag(12, objid(8, instance)) + app_tag(2, uint_bytes(max_apdu))
            + app_tag(9, bytes([seg])) + app_tag(2, uint_bytes(vendor)))


def who_is(low=None, high=None):
    body = b""
    if low is not None:
        body = ctx_tag(0, uint_bytes(low)) + ctx_tag(1, uint_bytes(high))
    return bytes([0x10, 0x08]) + body


def read_property(invoke, otype=0, inst=1, prop=85, flags=0x00, max_seg_apdu=0x05):
    return bytes([0x00 | flags, max_seg_apdu, invoke, 12]) + ctx_tag(0, objid(otype, inst)) + ctx_tag(1, bytes([prop]))


def read_property_ack(invoke, otype=0, inst=1, prop=85, value=b"\x44\x42\x28\x00\x00"):
    return (bytes([0x30, invoke, 12]) + ctx_tag(0, objid(otype, inst)) + ctx_tag(1, bytes([prop]))
            + b"\x3e" + value + b"\x3f")


def rpm_request(invoke):
    # ReadPropertyMultiple: device,1 object-list (all) — segmented response accepted (SA bit), max segs 4.
    return (bytes([0x02, 0x25, invoke, 14]) + ctx_tag(0, objid(8, 1)) + b"\x1e" + ctx_tag(0, bytes([76])) + b"\x1f")


# --- MS/TP ---------------------------------------------------------------------------------------------------

def crc8(b, crc):
    crc ^= b
    crc = (crc ^ (crc << 1) ^ (crc << 2) ^ (crc << 3) ^ (crc << 4) ^ (crc << 5) ^ (crc << 6) ^ (crc << 7)) & 0xFFFF
    return ((crc & 0xFE) ^ ((crc >> 8) & 1)) & 0xFF


def header_crc(hdr):
    crc = 0xFF
    for b in hdr:
        crc = crc8(b, crc)
    return (~crc) & 0xFF


def crc16(b, crc):
    crc_low = (crc & 0xFF) ^ b
    return ((crc >> 8) ^ (crc_low << 8) ^ (crc_low << 3) ^ (crc_low << 12) ^ (crc_low >> 4)
            ^ (crc_low & 0x0F) ^ ((crc_low & 0x0F) << 7)) & 0xFFFF


def data_crc(data):
    crc = 0xFFFF
    for b in data:
        crc = crc16(b, crc)
    return (~crc) & 0xFFFF


def mstp(ftype, dst, src, data=b"", corrupt_data_crc=False):
    hdr = bytes([ftype, dst, src]) + struct.pack("!H", len(data))
    out = b"\x55\xff" + hdr + bytes([header_crc(hdr)])
    if data:
        c = data_crc(data)
        if corrupt_data_crc:
            c ^= 0x5A5A
        out += data + struct.pack("<H", c)
    return out


# --- fixtures ------------------------------------------------------------------------------------------------

def who_is_storm():
    """Frame 1: an I-Am. Frames 2-61: 60 global Who-Is from 10.0.0.50, 10 ms apart (a storm: fail)."""
    frames = [(0.0, udp_frame("10.0.0.20", "10.0.0.255", broadcast(npdu(i_am(20))), bcast=True))]
    for k in range(60):
        frames.append((1.0 + 0.01 * k, udp_frame("10.0.0.50", "10.0.0.255", broadcast(npdu(who_is(), dnet=0xFFFF)), bcast=True)))
    return frames


def duplicate_instance():
    """Two routers each announce a network; behind each, a device claims instance 1234 (frames 3 and 4)."""
    return [
        (0.0, udp_frame("10.0.0.1", "10.0.0.255", broadcast(network_message(0x01, struct.pack("!H", 10))), bcast=True)),
        (0.1, udp_frame("10.0.0.2", "10.0.0.255", broadcast(network_message(0x01, struct.pack("!H", 20))), bcast=True)),
        (0.2, udp_frame("10.0.0.1", "10.0.0.255", broadcast(npdu(i_am(1234), snet=10, sadr=b"\x05")), bcast=True)),
        (0.3, udp_frame("10.0.0.2", "10.0.0.255", broadcast(npdu(i_am(1234), snet=20, sadr=b"\x07")), bcast=True)),
    ]


def bbmd_forwarded_iam():
    """Frame 1: BBMD 10.0.0.1 forwards the I-Am of device 555 whose address is 192.168.5.20:47808."""
    return [
        (0.0, udp_frame("10.0.0.1", "10.0.0.255", forwarded("192.168.5.20", 47808, npdu(i_am(555, vendor=5))), bcast=True)),
        (0.5, udp_frame("10.0.0.9", "10.0.0.255", broadcast(npdu(who_is())), bcast=True)),
    ]


def unanswered_request():
    """Frame 1: ReadProperty (invoke 1) to 10.0.0.20, never answered. Frames 2-3: invoke 2, answered 50 ms later.
    Frame 4: traffic 5 s later, so the APDU timeout has passed."""
    c, s = "10.0.0.9", "10.0.0.20"
    return [
        (0.0, udp_frame(c, s, unicast(npdu(read_property(1), expecting_reply=True)))),
        (0.1, udp_frame(c, s, unicast(npdu(read_property(2, inst=2), expecting_reply=True)))),
        (0.15, udp_frame(s, c, unicast(npdu(read_property_ack(2, inst=2))))),
        (5.0, udp_frame(s, "10.0.0.255", broadcast(npdu(i_am(20))), bcast=True)),
    ]


def retried_request():
    """Frame 1: ReadProperty (invoke 7). Frame 2: the same bytes again after 3.5 s (a retry). Frame 3: the reply."""
    c, s = "10.0.0.9", "10.0.0.20"
    req = unicast(npdu(read_property(7), expecting_reply=True))
    return [
        (0.0, udp_frame(c, s, req)),
        (3.5, udp_frame(c, s, req)),
        (3.55, udp_frame(s, c, unicast(npdu(read_property_ack(7))))),
    ]


def segmented_response():
    """Frame 1: ReadPropertyMultiple (segmented response accepted). Frames 2 and 4: a two-segment ComplexACK;
    frames 3 and 5: the client's Segment-ACKs."""
    c, s = "10.0.0.9", "10.0.0.20"
    body = ctx_tag(0, objid(8, 1)) + b"\x1e" + ctx_tag(2, bytes([76])) + b"\x4e"
    seg1 = body + b"".join(app_tag(12, objid(0, i)) for i in range(20))
    seg2 = b"".join(app_tag(12, objid(0, i)) for i in range(20, 30)) + b"\x4f\x1f"
    return [
        (0.0, udp_frame(c, s, unicast(npdu(rpm_request(3), expecting_reply=True)))),
        (0.05, udp_frame(s, c, unicast(npdu(bytes([0x3C, 3, 0, 2, 14]) + seg1)))),
        (0.06, udp_frame(c, s, unicast(npdu(bytes([0x40, 3, 0, 2]))))),
        (0.07, udp_frame(s, c, unicast(npdu(bytes([0x38, 3, 1, 2, 14]) + seg2)))),
        (0.08, udp_frame(c, s, unicast(npdu(bytes([0x40, 3, 1, 2]))))),
    ]


def mstp_ring():
    """MS/TP masters 1 -> 2 -> 3 -> 1, 10 ms per token pass. Frame 7 is a Data-Not-Expecting-Reply from station 2
    with a bad data CRC. After frame 12, 800 ms of silence: frame 13 is station 1's Poll-For-Master (the token was
    lost and regenerated)."""
    frames = []
    t = 0.0
    order = [(1, 2), (2, 3), (3, 1)]
    for rnd in range(4):
        for k, (src, dst) in enumerate(order):
            if rnd == 2 and src == 2:
                frames.append((t, mstp(6, 255, 2, npdu(i_am(2002)), corrupt_data_crc=True)))
                t += 0.005
            frames.append((t, mstp(0, dst, src)))
            t += 0.010
    # frames so far: 13 (12 tokens + 1 data frame). Silence, then PFM sweep from station 1.
    t += 0.8
    frames.append((t, mstp(1, 4, 1)))
    t += 0.02
    frames.append((t, mstp(1, 5, 1)))
    t += 0.02
    for src, dst in order:
        frames.append((t, mstp(0, dst, src)))
        t += 0.010
    return frames


def mstp_retry_slow_slave():
    """Masters 1 and 2. Frame 3 repeats frame 2 (token 1 -> 2 not used: a token retry). Frame 5: station 1 sends a
    Data-Expecting-Reply (ReadProperty) to slave 9, which answers 300 ms later (frame 6: a slow reply)."""
    rp = npdu(read_property(4), expecting_reply=True)
    ack = npdu(read_property_ack(4))
    return [
        (0.000, mstp(0, 1, 2)),
        (0.010, mstp(0, 2, 1)),
        (0.030, mstp(0, 2, 1)),
        (0.040, mstp(0, 1, 2)),
        (0.050, mstp(5, 9, 1, rp)),
        (0.350, mstp(6, 1, 9, ack)),
        (0.360, mstp(0, 2, 1)),
        (0.370, mstp(0, 1, 2)),
    ]


def duplicate_bbmd():
    """Frames 1-2: BBMDs 10.0.0.1 and 10.0.0.2 both forward the same Who-Is of 192.168.5.20 (2 ms apart: a duplicate
    BBMD). Frame 3: 10.0.0.1 alone forwards that device's I-Am. Frame 4: 10.0.0.1 forwards the same Who-Is again
    3 s later (a new broadcast, not a duplicate)."""
    wi = npdu(who_is())
    return [
        (0.000, udp_frame("10.0.0.1", "10.0.0.255", forwarded("192.168.5.20", 47808, wi), bcast=True)),
        (0.002, udp_frame("10.0.0.2", "10.0.0.255", forwarded("192.168.5.20", 47808, wi), bcast=True)),
        (2.000, udp_frame("10.0.0.1", "10.0.0.255", forwarded("192.168.5.20", 47808, npdu(i_am(555, vendor=5))), bcast=True)),
        (3.000, udp_frame("10.0.0.1", "10.0.0.255", forwarded("192.168.5.20", 47808, wi), bcast=True)),
    ]


def max_apdu_mismatch():
    """Frame 1: device 20 (10.0.0.20) announces max APDU 206. Frame 2: a 266-octet WriteProperty to it (too long
    for the server), frame 3 its SimpleACK. Frame 4: a ReadProperty whose client accepts 128 octets; frame 5 the
    214-octet unsegmented ComplexACK (too long for the client). Frame 6: a ReadPropertyMultiple without
    segmented-response-accepted; frames 7-8 a segmented ComplexACK all the same."""
    c, s = "10.0.0.9", "10.0.0.20"
    wp = (bytes([0x00, 0x05, 1, 15]) + ctx_tag(0, objid(40, 1)) + ctx_tag(1, bytes([85])) + b"\x3e"
          + app_tag(7, b"\x00" + b"x" * 250) + b"\x3f")
    rpm = bytes([0x00, 0x05, 3, 14]) + ctx_tag(0, objid(8, 1)) + b"\x1e" + ctx_tag(0, bytes([76])) + b"\x1f"
    body = ctx_tag(0, objid(8, 1)) + b"\x1e" + ctx_tag(2, bytes([76])) + b"\x4e"
    seg1 = body + b"".join(app_tag(12, objid(0, i)) for i in range(20))
    seg2 = b"".join(app_tag(12, objid(0, i)) for i in range(20, 30)) + b"\x4f\x1f"
    return [
        (0.0, udp_frame(s, "10.0.0.255", broadcast(npdu(i_am(20, max_apdu=206))), bcast=True)),
        (0.1, udp_frame(c, s, unicast(npdu(wp, expecting_reply=True)))),
        (0.15, udp_frame(s, c, unicast(npdu(bytes([0x20, 1, 15]))))),
        (0.2, udp_frame(c, s, unicast(npdu(read_property(2, max_seg_apdu=0x01), expecting_reply=True)))),
        (0.25, udp_frame(s, c, unicast(npdu(read_property_ack(2, value=app_tag(6, bytes(200))))))),
        (0.3, udp_frame(c, s, unicast(npdu(rpm, expecting_reply=True)))),
        (0.35, udp_frame(s, c, unicast(npdu(bytes([0x3C, 3, 0, 2, 14]) + seg1)))),
        (0.36, udp_frame(s, c, unicast(npdu(bytes([0x38, 3, 1, 2, 14]) + seg2)))),
    ]


def writes_and_control():
    """Client 10.0.0.9 and device 10.0.0.20, every request answered by a SimpleACK (even frames). Frame 1:
    WriteProperty analog-value,1 present-value 21.5 at priority 8; frame 3: NULL at priority 8 (a relinquish);
    frame 5: WritePropertyMultiple analog-value,2 present-value 1.0 at priority 9 and description "AHU-3 supply";
    frame 7: DeviceCommunicationControl disable for 10 minutes with a password; frame 9: ReinitializeDevice warmstart.
    Frames 11 and 12: UTC and local TimeSynchronization from 10.0.0.9 saying 2023-11-14 22:13:32.50, 2.5 s ahead
    of the capture clock."""
    c, s = "10.0.0.9", "10.0.0.20"

    def req(invoke, service, body):
        return udp_frame(c, s, unicast(npdu(bytes([0x00, 0x05, invoke, service]) + body, expecting_reply=True)))

    def ack(invoke, service):
        return udp_frame(s, c, unicast(npdu(bytes([0x20, invoke, service]))))

    real = lambda v: app_tag(4, struct.pack("!f", v))
    wp1 = ctx_tag(0, objid(2, 1)) + ctx_tag(1, bytes([85])) + b"\x3e" + real(21.5) + b"\x3f" + ctx_tag(4, bytes([8]))
    wp2 = ctx_tag(0, objid(2, 1)) + ctx_tag(1, bytes([85])) + b"\x3e" + app_tag(0, b"") + b"\x3f" + ctx_tag(4, bytes([8]))
    name = b"\x00AHU-3 supply"
    wpm = (ctx_tag(0, objid(2, 2)) + b"\x1e"
           + ctx_tag(0, bytes([85])) + b"\x2e" + real(1.0) + b"\x2f" + ctx_tag(3, bytes([9]))
           + ctx_tag(0, bytes([28])) + b"\x2e" + app_tag(7, name) + b"\x2f"
           + b"\x1f")
    password = b"\x00secret"
    dcc = ctx_tag(0, bytes([10])) + ctx_tag(1, bytes([1])) + bytes([0x2D, len(password)]) + password
    reinit = ctx_tag(0, bytes([1]))
    when = app_tag(10, bytes([123, 11, 14, 2])) + app_tag(11, bytes([22, 13, 32, 50]))
    return [
        (0.0, req(1, 15, wp1)), (0.05, ack(1, 15)),
        (1.0, req(2, 15, wp2)), (1.05, ack(2, 15)),
        (2.0, req(3, 16, wpm)), (2.05, ack(3, 16)),
        (3.0, req(4, 17, dcc)), (3.05, ack(4, 17)),
        (4.0, req(5, 20, reinit)), (4.05, ack(5, 20)),
        (10.0, udp_frame(c, "10.0.0.255", broadcast(npdu(bytes([0x10, 0x09]) + when)), bcast=True)),
        (10.0, udp_frame(c, "10.0.0.255", broadcast(npdu(bytes([0x10, 0x06]) + when)), bcast=True)),
    ]


FIXTURES = {
    "who_is_storm.pcap": (1, who_is_storm),
    "duplicate_instance.pcap": (1, duplicate_instance),
    "bbmd_forwarded_iam.pcap": (1, bbmd_forwarded_iam),
    "unanswered_request.pcap": (1, unanswered_request),
    "retried_request.pcap": (1, retried_request),
    "segmented_response.pcap": (1, segmented_response),
    "mstp_ring.pcap": (165, mstp_ring),
    "mstp_retry_slow_slave.pcap": (165, mstp_retry_slow_slave),
    "duplicate_bbmd.pcap": (1, duplicate_bbmd),
    "max_apdu_mismatch.pcap": (1, max_apdu_mismatch),
    "writes_and_control.pcap": (1, writes_and_control),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, (lt, fn) in FIXTURES.items():
        pcap(os.path.join(out, name), lt, fn())
        print(name)


if __name__ == "__main__":
    main()
