#!/usr/bin/env python3
"""Writes one small capture per summarize finding (Fixtures/analysis/*.pcap).

Run from anywhere: python3 Scripts/gen_analysis_fixtures.py [OUTDIR] (default Fixtures/analysis). Deterministic: same bytes every run.
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


def udp_frame_mac(src, dst, payload, smac, sport=47808, dport=47808, bcast=False):
    """A UDP/IPv4 frame from an explicit source MAC (ports of one box share it)."""
    f = udp_frame(src, dst, payload, sport=sport, dport=dport, bcast=bcast)
    return f[:6] + smac + f[12:]


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


def udp6_frame(src, dst, payload, sport=47808, dport=47808):
    """Ethernet + IPv6 + UDP (checksum computed over the pseudo-header)."""
    length = 8 + len(payload)
    pseudo = ip6(src) + ip6(dst) + struct.pack("!IxxxB", length, 17)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    hdr = struct.pack("!IHBB", 6 << 28, length, 17, 64) + ip6(src) + ip6(dst)
    d = ip6(dst)
    dmac = b"\x33\x33" + d[12:] if d[0] == 0xFF else b"\x02\x00" + d[12:]
    return dmac + b"\x02\x00" + ip6(src)[12:] + b"\x86\xdd" + hdr + udp


def bvlc6(function, body):
    return struct.pack("!BBH", 0x82, function, 4 + len(body)) + body


def vmac(v):
    return struct.pack("!I", v)[1:]


def llc_frame(smac, dmac, npdu_bytes):
    """IEEE 802.3 + LLC 82 82 03 carrying an NPDU (BACnet/Ethernet)."""
    body = b"\x82\x82\x03" + npdu_bytes
    frame = dmac + smac + struct.pack("!H", len(body)) + body
    return frame + b"\x00" * max(0, 60 - len(frame))


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


def mstp(ftype, dst, src, data=b"", corrupt_data_crc=False, sent_data=None, corrupt_header_crc=False):
    """An MS/TP frame. `sent_data`: the data as it arrived (noise), checked against the CRC of `data`."""
    hdr = bytes([ftype, dst, src]) + struct.pack("!H", len(data))
    hc = header_crc(hdr) ^ (0x3C if corrupt_header_crc else 0)
    out = b"\x55\xff" + hdr + bytes([hc])
    if data:
        c = data_crc(data)
        if corrupt_data_crc:
            c ^= 0x5A5A
        out += (sent_data if sent_data is not None else data) + struct.pack("<H", c)
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


def char_string(text):
    data = b"\x00" + text.encode()
    return app_tag(7, data)


def rp_device_name_ack(invoke, instance, name):
    return (bytes([0x30, invoke, 12]) + ctx_tag(0, objid(8, instance)) + ctx_tag(1, bytes([77]))
            + b"\x3e" + char_string(name) + b"\x3f")


def mstp_noisy_ring():
    """Masters 1 and 2, slave 9, the token passed every 10 ms. Frame 2: station 2's I-Am (device 1002). Frame 4:
    station 1 asks slave 9 for its device object's name (ReadProperty, invoke 5); frame 5, the answer, arrives with
    a bad data CRC. Frame 6: token 1 -> 2; frame 7: the same token again (station 2 did not hear it: a token retry).
    Frame 9: station 1's I-Am (device 1001) hit by noise: its data now reads 1002 and fails the data CRC. Frame 11:
    a token from station 2 with a bad header CRC. The ring runs on; 3.1 s after the request (past the 3 s APDU
    timeout) station 1 sends it again (frame 321, a retry) and slave 9 answers intact (frame 322, 20 ms)."""
    frames = []
    rp = npdu(read_property(5, otype=8, inst=9, prop=77), expecting_reply=True)
    ack = npdu(rp_device_name_ack(5, 9, "VAV-9"))
    bad_ack = bytearray(ack)
    bad_ack[-3] ^= 0x20
    iam_1001 = npdu(i_am(1001))
    iam_1002 = npdu(i_am(1002))
    frames.append((0.000, mstp(0, 2, 1)))                                   # 1
    frames.append((0.010, mstp(6, 255, 2, iam_1002)))                       # 2
    frames.append((0.015, mstp(0, 1, 2)))                                   # 3
    frames.append((0.025, mstp(5, 9, 1, rp)))                               # 4
    frames.append((0.035, mstp(6, 1, 9, ack, sent_data=bytes(bad_ack))))    # 5 bad data CRC
    frames.append((0.045, mstp(0, 2, 1)))                                   # 6
    frames.append((0.065, mstp(0, 2, 1)))                                   # 7 token retry
    frames.append((0.075, mstp(0, 1, 2)))                                   # 8
    frames.append((0.085, mstp(6, 255, 1, iam_1001, sent_data=iam_1002)))   # 9 bad data CRC, reads 1002
    frames.append((0.090, mstp(0, 2, 1)))                                   # 10
    frames.append((0.100, mstp(0, 1, 2, corrupt_header_crc=True)))          # 11 bad header CRC
    t = 0.110
    src, dst = 2, 1
    while len(frames) < 320:                                                # 12-320: tokens
        frames.append((t, mstp(0, dst, src)))
        src, dst = dst, src
        t += 0.010
    # Frame 320 passed the token to station 1 (src is now 1).
    frames.append((3.125, mstp(5, 9, 1, rp)))                               # 321 retry
    frames.append((3.145, mstp(6, 1, 9, ack)))                              # 322 intact answer
    frames.append((3.150, mstp(0, 2, 1)))                                   # 323
    frames.append((3.160, mstp(0, 1, 2)))                                   # 324
    return frames


R_MAC = b"\x02\x00\x0a\x00\x00\x01"


def router_multiport():
    """One router, three ports: B/IP 10.0.0.1 (network 1), B/IP 10.0.1.1 (network 2) and BACnet/Ethernet (network
    3), all from Ethernet MAC 02:00:0a:00:00:01. Frames 1-3: each port announces the other networks. Frames 4-5:
    the router's own device 100 answers by its IP and by its MAC. Frame 6: device 200 (10.0.0.20) on network 1;
    frame 7: the same I-Am routed onto network 2 (SNET 1, SADR 0a000014bac0). One router, two devices, nothing
    duplicated."""
    bc = b"\xff" * 6
    return [
        (0.0, udp_frame_mac("10.0.0.1", "10.0.0.255", broadcast(network_message(0x01, struct.pack("!HH", 2, 3))), R_MAC, bcast=True)),
        (0.1, udp_frame_mac("10.0.1.1", "10.0.1.255", broadcast(network_message(0x01, struct.pack("!HH", 1, 3))), R_MAC, bcast=True)),
        (0.2, llc_frame(R_MAC, bc, network_message(0x01, struct.pack("!HH", 1, 2)))),
        (0.3, udp_frame_mac("10.0.0.1", "10.0.0.255", broadcast(npdu(i_am(100))), R_MAC, bcast=True)),
        (0.4, llc_frame(R_MAC, bc, npdu(i_am(100)))),
        (0.5, udp_frame("10.0.0.20", "10.0.0.255", broadcast(npdu(i_am(200))), bcast=True)),
        (0.6, udp_frame_mac("10.0.1.1", "10.0.1.255", broadcast(npdu(i_am(200), snet=1, sadr=ip("10.0.0.20") + struct.pack("!H", 47808))),
                            R_MAC, bcast=True)),
    ]


def wildcard_instance():
    """Frames 1-2: two new controllers (10.0.0.31, 10.0.0.32) both announce the unconfigured instance 4194303;
    frame 3: device 30 announces itself."""
    return [
        (0.0, udp_frame("10.0.0.31", "10.0.0.255", broadcast(npdu(i_am(4194303))), bcast=True)),
        (0.1, udp_frame("10.0.0.32", "10.0.0.255", broadcast(npdu(i_am(4194303))), bcast=True)),
        (0.2, udp_frame("10.0.0.30", "10.0.0.255", broadcast(npdu(i_am(30))), bcast=True)),
    ]


def bacnet_ipv6_fd_nak():
    """BACnet/IPv6 (Annex U). Frame 1: foreign device 2001:db8::20 (VMAC 000020) asks BBMD 2001:db8::1 to register
    it (TTL 60 s); frame 2: the BBMD refuses (BVLC-Result 0x0090, Register-Foreign-Device NAK). Frame 3: device
    3030 (2001:db8::30, VMAC 000030) announces itself to ff02::bac0. Frame 4: 2001:db8::20 asks device 3030 for its
    name (invoke 1); frame 5 the answer."""
    fd, bbmd, dev = "2001:db8::20", "2001:db8::1", "2001:db8::30"
    return [
        (0.0, udp6_frame(fd, bbmd, bvlc6(0x09, vmac(0x20) + struct.pack("!H", 60)))),
        (0.01, udp6_frame(bbmd, fd, bvlc6(0x00, vmac(0x01) + struct.pack("!H", 0x0090)))),
        (0.5, udp6_frame(dev, "ff02::bac0", bvlc6(0x02, vmac(0x30) + npdu(i_am(3030))))),
        (1.0, udp6_frame(fd, dev, bvlc6(0x01, vmac(0x20) + vmac(0x30) + npdu(read_property(1, otype=8, inst=3030, prop=77), expecting_reply=True)))),
        (1.02, udp6_frame(dev, fd, bvlc6(0x01, vmac(0x30) + vmac(0x20) + npdu(rp_device_name_ack(1, 3030, "Boiler plant"))))),
    ]


def bacnet_ip_port_40000():
    """BACnet/IP on UDP 40000, nothing on 47808: frame 1 a Who-Is, frames 2-3 I-Ams, frame 4 a ReadProperty,
    frame 5 its answer. Decoded only with --add-ports 40000."""
    c = "10.0.0.9"
    return [
        (0.0, udp_frame(c, "10.0.0.255", broadcast(npdu(who_is())), sport=40000, dport=40000, bcast=True)),
        (0.1, udp_frame("10.0.0.20", "10.0.0.255", broadcast(npdu(i_am(20))), sport=40000, dport=40000, bcast=True)),
        (0.2, udp_frame("10.0.0.21", "10.0.0.255", broadcast(npdu(i_am(21))), sport=40000, dport=40000, bcast=True)),
        (1.0, udp_frame(c, "10.0.0.20", unicast(npdu(read_property(1), expecting_reply=True)), sport=40000, dport=40000)),
        (1.05, udp_frame("10.0.0.20", c, unicast(npdu(read_property_ack(1))), sport=40000, dport=40000)),
    ]


def ephemeral_workstation():
    """Workstation 10.0.0.9 polls devices 20 and 21 (10.0.0.20/.21, announced in frames 1-2) from a new ephemeral
    UDP port for every request (50001-50006); every request is answered 30 ms later. Three devices, six requests."""
    frames = [
        (0.0, udp_frame("10.0.0.20", "10.0.0.255", broadcast(npdu(i_am(20))), bcast=True)),
        (0.1, udp_frame("10.0.0.21", "10.0.0.255", broadcast(npdu(i_am(21))), bcast=True)),
    ]
    t = 1.0
    for k in range(6):
        port = 50001 + k
        server = "10.0.0.20" if k % 2 == 0 else "10.0.0.21"
        frames.append((t, udp_frame("10.0.0.9", server, unicast(npdu(read_property(k + 1, inst=k), expecting_reply=True)), sport=port)))
        frames.append((t + 0.03, udp_frame(server, "10.0.0.9", unicast(npdu(read_property_ack(k + 1, inst=k))), dport=port)))
        t += 1.0
    return frames


def rpm_names():
    """Frame 1: 10.0.0.9 reads device 77's object-name, model-name, vendor-name, firmware-revision,
    application-software-version and location with ReadPropertyMultiple; frame 2: 10.0.0.77 answers. The device
    never sends an I-Am: its instance and names come from the reply."""
    props = [77, 70, 121, 44, 12, 58]
    req = (bytes([0x00, 0x05, 9, 14]) + ctx_tag(0, objid(8, 77)) + b"\x1e"
           + b"".join(ctx_tag(0, bytes([p])) for p in props) + b"\x1f")
    values = {77: "AHU-1 Controller", 70: "OWS-500", 121: "Acme Controls", 44: "4.2.1", 12: "1.0", 58: "Mech room 2"}
    body = b"".join(ctx_tag(2, bytes([p])) + b"\x4e" + char_string(values[p]) + b"\x4f" for p in props)
    ack = bytes([0x30, 9, 14]) + ctx_tag(0, objid(8, 77)) + b"\x1e" + body + b"\x1f"
    return [
        (0.0, udp_frame("10.0.0.9", "10.0.0.77", unicast(npdu(req, expecting_reply=True)))),
        (0.04, udp_frame("10.0.0.77", "10.0.0.9", unicast(npdu(ack)))),
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
    "mstp_noisy_ring.pcap": (165, mstp_noisy_ring),
    "router_multiport.pcap": (1, router_multiport),
    "wildcard_instance.pcap": (1, wildcard_instance),
    "bacnet_ipv6_fd_nak.pcap": (1, bacnet_ipv6_fd_nak),
    "bacnet_ip_port_40000.pcap": (1, bacnet_ip_port_40000),
    "ephemeral_workstation.pcap": (1, ephemeral_workstation),
    "rpm_names.pcap": (1, rpm_names),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures", "analysis")
    for name, (lt, fn) in FIXTURES.items():
        pcap(os.path.join(out, name), lt, fn())
        print(name)


if __name__ == "__main__":
    main()
