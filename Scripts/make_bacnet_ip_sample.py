#!/usr/bin/env python3
"""Writes sample.pcap (Ethernet) and sample-mstp.pcap (LINKTYPE 165): a small, realistic BACnet session for the
README and the list/tshark tests. Standard library only; deterministic output.

    python3 Scripts/make_bacnet_ip_sample.py        # writes into Fixtures/bacnet-ip
"""
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Fixtures", "bacnet-ip")
T0 = 1768464000  # 2026-01-15T08:00:00Z

# ---------------------------------------------------------------- BACnet encodings (ASHRAE 135 clause 20)

def objid(obj_type, instance):
    return struct.pack(">I", (obj_type << 22) | instance)

def ctx(tag, data):
    """Context tag with a short length (<= 4)."""
    assert len(data) <= 4
    return bytes([(tag << 4) | 0x08 | len(data)]) + data

def app_objid(t, i): return b"\xc4" + objid(t, i)
def app_unsigned16(v): return b"\x22" + struct.pack(">H", v)
def app_enum(v): return b"\x91" + bytes([v])
def app_real(v): return b"\x44" + struct.pack(">f", v)
def opening(tag): return bytes([(tag << 4) | 0x0E])
def closing(tag): return bytes([(tag << 4) | 0x0F])

DEVICE, ANALOG_INPUT, ANALOG_VALUE = 8, 0, 2
PRESENT_VALUE, UNITS, STATUS_FLAGS, OBJECT_NAME = 85, 117, 111, 77

def who_is(low=None, high=None):
    body = b""
    if low is not None:
        body = ctx(0, struct.pack(">H", low)) + ctx(1, struct.pack(">H", high))
    return b"\x10\x08" + body

def i_am(instance, vendor=260):
    return b"\x10\x00" + app_objid(DEVICE, instance) + app_unsigned16(1476) + app_enum(0) + app_unsigned16(vendor)

def read_property(invoke, t, i, prop):
    return bytes([0x00, 0x05, invoke, 12]) + ctx(0, objid(t, i)) + ctx(1, bytes([prop]))

def read_property_ack(invoke, t, i, prop, value):
    return bytes([0x30, invoke, 12]) + ctx(0, objid(t, i)) + ctx(1, bytes([prop])) + opening(3) + value + closing(3)

def write_property(invoke, t, i, prop, value, priority):
    return (bytes([0x00, 0x05, invoke, 15]) + ctx(0, objid(t, i)) + ctx(1, bytes([prop])) + opening(3) + value
            + closing(3) + ctx(4, bytes([priority])))

def rpm_request(invoke, objects):
    body = b""
    for t, i in objects:
        body += ctx(0, objid(t, i)) + opening(1) + ctx(0, bytes([PRESENT_VALUE])) + ctx(0, bytes([UNITS])) + closing(1)
    return bytes([0x02, 0x05, invoke, 14]) + body

def rpm_ack(invoke, objects):
    """Each analog input answers present-value and units; instance 7 answers units with an access error."""
    body = b""
    for t, i in objects:
        body += ctx(0, objid(t, i)) + opening(1)
        body += ctx(2, bytes([PRESENT_VALUE])) + opening(4) + app_real(20.0 + i / 4) + closing(4)
        if i == 7:  # error class property (2), error code unknown-property (32)
            body += ctx(2, bytes([UNITS])) + opening(5) + app_enum(2) + app_enum(32) + closing(5)
        else:       # degrees-Celsius (62)
            body += ctx(2, bytes([UNITS])) + opening(4) + app_enum(62) + closing(4)
        body += closing(1)
    return bytes([0x30, invoke, 14]) + body

def npdu(expecting_reply=False, dnet=None, dadr=b"", snet=None, sadr=b"", hop=255):
    control = 0x04 if expecting_reply else 0x00
    rest = b""
    if dnet is not None:
        control |= 0x20
        rest += struct.pack(">HB", dnet, len(dadr)) + dadr
    if snet is not None:
        control |= 0x08
        rest += struct.pack(">HB", snet, len(sadr)) + sadr
    if dnet is not None:
        rest += bytes([hop])
    return bytes([0x01, control]) + rest

def bvlc(function, body):
    return struct.pack(">BBH", 0x81, function, 4 + len(body)) + body

def unicast(npdu_apdu): return bvlc(0x0A, npdu_apdu)
def broadcast(npdu_apdu): return bvlc(0x0B, npdu_apdu)

# ---------------------------------------------------------------- Ethernet / IPv4 / UDP

def mac(s): return bytes(int(x, 16) for x in s.split(":"))
def ip(s): return bytes(int(x) for x in s.split("."))

def checksum(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16: s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF

def ipv4(src, dst, payload, ident, frag_offset=0, more=False, proto=17):
    flags = (0x2000 if more else 0) | (frag_offset // 8)
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, proto, 0, ip(src), ip(dst))
    h = h[:10] + struct.pack(">H", checksum(h)) + h[12:]
    return h + payload

def udp(sport, dport, payload):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload

def ethernet(dst, src, ethertype, payload, vlan=None):
    tag = struct.pack(">HH", 0x8100, vlan) if vlan is not None else b""
    frame = mac(dst) + mac(src) + tag + struct.pack(">H", ethertype) + payload
    return frame + b"\0" * max(0, 60 - len(frame))

BCAST = "ff:ff:ff:ff:ff:ff"
WS, CTRL, ROUTER, BBMD = "00:1b:21:3a:4f:10", "00:50:c2:8d:00:2a", "00:0e:8c:11:22:33", "00:0e:8c:44:55:66"
WS_IP, CTRL_IP, ROUTER_IP, BBMD_IP, FD_IP = "10.20.1.10", "10.20.1.21", "10.20.1.1", "10.20.1.2", "10.77.3.40"

def bip(src_mac, dst_mac, src_ip, dst_ip, payload, sport=47808, dport=47808, vlan=None, ident=1):
    return ethernet(dst_mac, src_mac, 0x0800, ipv4(src_ip, dst_ip, udp(sport, dport, payload), ident), vlan)

def fragments(src_mac, dst_mac, src_ip, dst_ip, payload, ident, chunk=1000):
    """An IPv4 datagram split into fragments of `chunk` bytes (a path MTU of chunk + 20)."""
    datagram = udp(47808, 47808, payload)
    out = []
    for off in range(0, len(datagram), chunk):
        piece = datagram[off:off + chunk]
        more = off + chunk < len(datagram)
        out.append(ethernet(dst_mac, src_mac, 0x0800, ipv4(src_ip, dst_ip, piece, ident, off, more)))
    return out

def bacnet_ethernet(src_mac, dst_mac, npdu_apdu):
    llc = b"\x82\x82\x03" + npdu_apdu
    frame = mac(dst_mac) + mac(src_mac) + struct.pack(">H", len(llc)) + llc
    return frame + b"\0" * max(0, 60 - len(frame))

def ip_session():
    f = []
    f.append(bip(WS, BCAST, WS_IP, "10.20.1.255", broadcast(npdu() + who_is())))
    f.append(bip(CTRL, BCAST, CTRL_IP, "10.20.1.255", broadcast(npdu() + i_am(1201))))
    f.append(bip(WS, CTRL, WS_IP, CTRL_IP, unicast(npdu(True) + read_property(5, ANALOG_INPUT, 1, PRESENT_VALUE))))
    f.append(bip(CTRL, WS, CTRL_IP, WS_IP, unicast(npdu() + read_property_ack(5, ANALOG_INPUT, 1, PRESENT_VALUE, app_real(72.5)))))
    f.append(bip(WS, CTRL, WS_IP, CTRL_IP, unicast(npdu(True) + write_property(6, ANALOG_VALUE, 3, PRESENT_VALUE, app_real(21.5), 8))))
    f.append(bip(CTRL, WS, CTRL_IP, WS_IP, unicast(npdu() + bytes([0x20, 6, 15]))))
    # ReadProperty of an unknown property (9999): Error property / unknown-property.
    f.append(bip(WS, CTRL, WS_IP, CTRL_IP, unicast(npdu(True) + bytes([0x00, 0x05, 7, 12]) + ctx(0, objid(ANALOG_INPUT, 1)) + ctx(1, struct.pack(">H", 9999)))))
    f.append(bip(CTRL, WS, CTRL_IP, WS_IP, unicast(npdu() + bytes([0x50, 7, 12]) + app_enum(2) + app_enum(32))))
    # An unknown confirmed service (40): Reject unrecognized-service (9).
    f.append(bip(WS, CTRL, WS_IP, CTRL_IP, unicast(npdu(True) + bytes([0x00, 0x05, 8, 40]))))
    f.append(bip(CTRL, WS, CTRL_IP, WS_IP, unicast(npdu() + bytes([0x60, 8, 9]))))
    # Routed through a BACnet router on VLAN 100 to MS/TP network 5, station 10; the reply comes back with SNET/SADR.
    f.append(bip(WS, ROUTER, WS_IP, ROUTER_IP, unicast(npdu(True, dnet=5, dadr=b"\x0a") + read_property(9, ANALOG_INPUT, 2, PRESENT_VALUE)), vlan=100))
    f.append(bip(ROUTER, WS, ROUTER_IP, WS_IP, unicast(npdu(snet=5, sadr=b"\x0a") + read_property_ack(9, ANALOG_INPUT, 2, PRESENT_VALUE, app_real(19.25))), vlan=100))
    # The router is busy for a segmented request: Abort segmentation-not-supported (4), sent by the server.
    f.append(bip(WS, ROUTER, WS_IP, ROUTER_IP, unicast(npdu(True, dnet=5, dadr=b"\x0a") + read_property(10, DEVICE, 5010, OBJECT_NAME)), vlan=100))
    f.append(bip(ROUTER, WS, ROUTER_IP, WS_IP, unicast(npdu(snet=5, sadr=b"\x0a") + bytes([0x71, 10, 4])), vlan=100))
    # Network layer: Who-Is-Router-To-Network and the router's answer.
    f.append(bip(WS, BCAST, WS_IP, "10.20.1.255", broadcast(b"\x01\x80\x00")))
    f.append(bip(ROUTER, BCAST, ROUTER_IP, "10.20.1.255", broadcast(b"\x01\x80\x01\x00\x05\x00\x06")))
    # A foreign device registers with the BBMD (TTL 60 s), is acknowledged, and its I-Am is forwarded.
    f.append(bip("00:0e:8c:99:99:01", BBMD, FD_IP, BBMD_IP, bvlc(0x05, struct.pack(">H", 60))))
    f.append(bip(BBMD, "00:0e:8c:99:99:01", BBMD_IP, FD_IP, bvlc(0x00, struct.pack(">H", 0))))
    f.append(bip(BBMD, BCAST, BBMD_IP, "10.20.1.255", bvlc(0x04, ip(FD_IP) + struct.pack(">H", 47808) + npdu() + i_am(7001, vendor=8))))
    # A second BACnet/IP network on UDP 47900 (decoded with --add-ports 47900 / tshark -d udp.port==47900,bvlc).
    f.append(bip(WS, BCAST, WS_IP, "10.20.1.255", broadcast(npdu() + who_is(1000, 1999)), sport=47900, dport=47900))
    f.append(bip("00:50:c2:8d:00:31", BCAST, "10.20.1.31", "10.20.1.255", broadcast(npdu() + i_am(1500)), sport=47900, dport=47900))
    # BACnet/Ethernet (ISO 8802-3 with LLC 82 82 03): a legacy controller answers Who-Is.
    f.append(bacnet_ethernet("00:a0:3d:00:00:07", BCAST, npdu() + i_am(77, vendor=5)))
    # A ReadPropertyMultiple whose answer (~1.2 kB) crosses a path with MTU 1020: two IPv4 fragments.
    objs = [(ANALOG_INPUT, i) for i in range(1, 60)]
    f.append(bip(WS, CTRL, WS_IP, CTRL_IP, unicast(npdu(True) + rpm_request(11, objs[:8]))))
    ack = unicast(npdu() + rpm_ack(11, objs))
    f.extend(fragments(CTRL, WS, CTRL_IP, WS_IP, ack, ident=0x4242))
    return f

# ---------------------------------------------------------------- MS/TP (ASHRAE 135 clause 9, Annex G)

def header_crc(data):
    crc = 0xFF
    for b in data:
        c = crc ^ b
        c = c ^ (c << 1) ^ (c << 2) ^ (c << 3) ^ (c << 4) ^ (c << 5) ^ (c << 6) ^ (c << 7)
        crc = ((c & 0xFE) ^ ((c >> 8) & 1)) & 0xFF
    return (~crc) & 0xFF

def data_crc(data):
    crc = 0xFFFF
    for b in data:
        low = (crc & 0xFF) ^ b
        crc = ((crc >> 8) ^ (low << 8) ^ (low << 3) ^ (low << 12) ^ (low >> 4) ^ (low & 0x0F) ^ ((low & 0x0F) << 7)) & 0xFFFF
    return (~crc) & 0xFFFF

def mstp(frame_type, dst, src, data=b""):
    header = struct.pack(">BBBH", frame_type, dst, src, len(data))
    out = b"\x55\xff" + header + bytes([header_crc(header)])
    if data:
        out += data + struct.pack("<H", data_crc(data))
    return out

def mstp_session():
    f = []
    f.append(mstp(1, 3, 2))                     # Poll-For-Master 2 -> 3
    f.append(mstp(2, 2, 3))                     # Reply-To-Poll-For-Master 3 -> 2
    f.append(mstp(0, 3, 2))                     # Token 2 -> 3
    f.append(mstp(6, 255, 3, npdu() + who_is()))  # Who-Is broadcast
    f.append(mstp(6, 255, 10, npdu() + i_am(5010, vendor=24)))
    f.append(mstp(0, 10, 3))                    # Token 3 -> 10
    f.append(mstp(5, 10, 3, npdu(True) + read_property(1, ANALOG_INPUT, 2, PRESENT_VALUE)))
    f.append(mstp(7, 3, 10))                    # Reply Postponed
    f.append(mstp(0, 3, 10))                    # Token 10 -> 3
    f.append(mstp(6, 3, 10, npdu() + read_property_ack(1, ANALOG_INPUT, 2, PRESENT_VALUE, app_real(19.25))))
    f.append(mstp(3, 10, 3, b"\x01\x02\x03\x04"))  # Test_Request with data
    f.append(mstp(4, 3, 10, b"\x01\x02\x03\x04"))  # Test_Response
    # A routed request arriving from BACnet/IP network 1 (SNET 1, SADR = the workstation's B/IP address).
    f.append(mstp(5, 10, 3, npdu(True, snet=1, sadr=ip(WS_IP) + b"\xba\xc0") + read_property(12, ANALOG_INPUT, 2, PRESENT_VALUE)))
    f.append(mstp(0, 10, 3))
    return f

def write_pcap(path, linktype, frames, step_us):
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for n, frame in enumerate(frames):
            us = n * step_us
            out.write(struct.pack("<IIII", T0 + us // 1_000_000, us % 1_000_000, len(frame), len(frame)))
            out.write(frame)

if __name__ == "__main__":
    write_pcap(os.path.join(HERE, "sample.pcap"), 1, ip_session(), 12_500)
    write_pcap(os.path.join(HERE, "sample-mstp.pcap"), 165, mstp_session(), 3_000)
