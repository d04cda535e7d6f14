#!/usr/bin/env python3
"""Builds the BACnetDecode golden fixtures from ../shared/tools/bacnet_vectors.py (BVLLs encoded by two
independent stacks, bacpypes3 and bac-py, which must agree byte for byte; Annex G CRCs, COBS) plus
hand-assembled Annex U (BACnet/IPv6) messages, cross-checked against bac-py's where it has them, and MS/TP
edge cases.

Exact command (from the package root; bac-py needs Python >= 3.13, e.g. pyenv's 3.13.0):
    python3.13 -m venv /tmp/venv-oracle && /tmp/venv-oracle/bin/pip install bacpypes3==0.0.110 bac-py==1.5.7
    /tmp/venv-oracle/bin/python Scripts/gen_bacnet_vector_fixtures.py

Writes:
    Fixtures/bacnet-vectors/golden.json       name -> hex of every two-stack BVLL vector, the bac-py-only routed
                                              and network-layer vectors, MS/TP frames, BACnet/IPv6 messages
    Fixtures/bacnet-vectors/bip_oracle.pcap   LINKTYPE_ETHERNET, the two-stack BVLL vectors in UDP 47808
    Fixtures/bacnet-vectors/bip_routed.pcap   LINKTYPE_ETHERNET, the bac-py-only BACnet/IP vectors in UDP 47808
    Fixtures/bacnet-vectors/mstp_oracle.pcap  LINKTYPE_BACNET_MS_TP, the tool's five MS/TP frames
    Fixtures/bacnet-vectors/bip6.pcap         LINKTYPE_ETHERNET, IPv6/UDP 47808, one Annex U message per function
    Fixtures/mstp/mstp_cases.pcap             LINKTYPE_BACNET_MS_TP edge cases (see README.md)
"""
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "Fixtures", "bacnet-vectors")
sys.path.insert(0, os.path.join(os.path.dirname(ROOT), "shared", "tools"))
import bacnet_vectors as bv  # noqa: E402


def ether_ipv6_udp(payload: bytes, sport=47808, dport=47808) -> bytes:
    src = bytes.fromhex("fe800000000000000000000000000001")
    dst = bytes.fromhex("ff02000000000000000000000000bac0")   # a link-local multicast group
    udp_len = 8 + len(payload)
    pseudo = src + dst + struct.pack("!I", udp_len) + b"\x00\x00\x00\x11"
    udp = struct.pack("!HHHH", sport, dport, udp_len, 0) + payload
    csum = bv._csum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    ip6 = struct.pack("!IHBB", 0x60000000, udp_len, 17, 64) + src + dst
    return b"\x33\x33\x00\x00\xba\xc0" + b"\x02\x00\x00\x00\x00\x01" + b"\x86\xdd" + ip6 + udp


def bip6_vectors() -> dict[str, bytes]:
    npdu_iam = bytes.fromhex("01001000c4020004d22205c49100210f")
    src = bytes.fromhex("0004d2")
    dst = bytes.fromhex("000001")
    addr6 = bytes.fromhex("20010db8000000000000000000000001") + struct.pack("!H", 47808)

    def bvll(fn: int, body: bytes) -> bytes:
        return bytes([0x82, fn]) + struct.pack("!H", 4 + len(body)) + body

    return {
        "bip6_result_success": bvll(0x00, src + b"\x00\x00"),
        "bip6_original_unicast": bvll(0x01, src + dst + npdu_iam),
        "bip6_original_broadcast": bvll(0x02, src + npdu_iam),
        "bip6_address_resolution": bvll(0x03, src + dst),
        "bip6_forwarded_address_resolution": bvll(0x04, src + dst + addr6),
        "bip6_address_resolution_ack": bvll(0x05, src + dst),
        "bip6_virtual_address_resolution": bvll(0x06, src),
        "bip6_virtual_address_resolution_ack": bvll(0x07, src + dst),
        "bip6_forwarded_npdu": bvll(0x08, src + addr6 + npdu_iam),
        "bip6_register_foreign_device": bvll(0x09, src + struct.pack("!H", 300)),
        "bip6_delete_fdt_entry": bvll(0x0A, src + addr6),
        "bip6_distribute_broadcast": bvll(0x0C, src + npdu_iam),
        "bip6_result_register_nak": bvll(0x00, src + b"\x00\x90"),
    }


def mstp_cases(npdu_iam: bytes) -> list[tuple[str, bytes]]:
    f = bv.mstp_frame
    rp = bytes.fromhex("0104") + bytes.fromhex("0005050c0c000000011955")     # ReadProperty ai,1 pv, invoke 5
    # A ReadProperty-ACK with a 600-octet OctetString: a conformant (>= 506) extended frame.
    value = b"\x65\xfe\x02\x58" + bytes(range(256)) * 2 + bytes(88)
    big = bytes.fromhex("0100") + bytes.fromhex("30050c0c0000000119553e") + value + b"\x3f"
    data_frame = f(6, 0xFF, 5, npdu_iam)
    bad_data = bytearray(data_frame)
    bad_data[-1] ^= 0xFF
    bad_header = bytearray(f(0, 0x10, 5))
    bad_header[7] ^= 0x01
    cobs = bytearray(f(33, 0xFF, 5, npdu_iam))
    cobs[-1] ^= 0x01                                                             # corrupt the encoded CRC-32K
    prop_hdr = bytes([0x80, 0x10, 0x05, 0x00, 0x04])
    prop = b"\x55\xff" + prop_hdr + bytes([bv.header_crc(prop_hdr)]) + b"\x00\x07\xab\xcd" + bv.data_crc(b"\x00\x07\xab\xcd")
    return [
        ("token", f(0, 0x10, 5)),
        ("poll_for_master", f(1, 0x7F, 5)),
        ("reply_to_poll_for_master", f(2, 5, 0x7F)),
        ("test_request_with_data", f(3, 7, 5, b"\x01\x02\x03")),
        ("test_response_with_data", f(4, 5, 7, b"\x01\x02\x03")),
        ("data_expecting_reply_rp", f(5, 7, 5, rp)),
        ("data_not_expecting_reply_i_am", data_frame),
        ("reply_postponed", f(7, 5, 7)),
        ("extended_not_expecting_reply_i_am", f(33, 0xFF, 5, npdu_iam)),
        ("extended_expecting_reply_600_octets", f(32, 7, 5, big)),
        ("no_preamble_token", f(0, 0x10, 5)[2:]),
        ("ff_pad_i_am", data_frame + b"\xff"),
        ("bad_header_crc_token", bytes(bad_header)),
        ("bad_data_crc_i_am", bytes(bad_data)),
        ("bad_crc32k_extended_i_am", bytes(cobs)),
        ("proprietary_128_vendor_7", prop),
    ]


def main() -> int:
    bv.self_test_crcs()
    b3 = bv.bacpypes3_vectors()
    npdu_iam = b3["i_am"][4:]
    tool_frames = [
        ("token", bv.mstp_frame(0, 0x10, 0x05)),
        ("poll_for_master", bv.mstp_frame(1, 0x7F, 0x05)),
        ("reply_to_poll_for_master", bv.mstp_frame(2, 0x05, 0x7F)),
        ("data_not_expecting_reply_i_am", bv.mstp_frame(6, 0xFF, 0x05, npdu_iam)),
        ("extended_not_expecting_reply_i_am", bv.mstp_frame(33, 0xFF, 0x05, npdu_iam)),
    ]
    # The second stack: every vector both stacks build must be byte-identical.
    bp = bv.bacpy_vectors()
    shared = sorted(set(b3) & set(bp))
    if len(shared) != len(b3):
        sys.exit(f"bac-py builds {len(shared)} of the {len(b3)} bacpypes3 vectors: {sorted(set(b3) - set(bp))}")
    for name in shared:
        if b3[name] != bp[name]:
            sys.exit(f"{name}: bacpypes3 {b3[name].hex()} != bac-py {bp[name].hex()}")
    extra = bv.bacpy_extra_vectors()
    v6 = bip6_vectors()
    for name, raw in extra.items():
        if name.startswith("bip6_") and v6.get(name) != raw:
            sys.exit(f"{name}: hand-assembled {v6.get(name, b'').hex()} != bac-py {raw.hex()}")
    routed = {k: v for k, v in extra.items() if not k.startswith("bip6_")}
    cases = mstp_cases(npdu_iam)
    import importlib.metadata as md
    golden = {
        "generator": (f"bacpypes3 {md.version('bacpypes3')} and bac-py {md.version('bac-py')} via "
                      f"shared/tools/bacnet_vectors.py: the 'bvll' vectors byte-identical from both stacks, "
                      f"'bvll_routed' from bac-py alone, 'bip6' hand-assembled from Annex U (identical to bac-py's for the two functions it builds)"),
        "bvll": {k: v.hex() for k, v in b3.items()},
        "bvll_routed": {k: v.hex() for k, v in routed.items()},
        "mstp": {k: v.hex() for k, v in tool_frames},
        "mstp_cases": {k: v.hex() for k, v in cases},
        "bip6": {k: v.hex() for k, v in v6.items()},
    }
    with open(os.path.join(HERE, "golden.json"), "w") as fh:
        json.dump(golden, fh, indent=1, sort_keys=True)
        fh.write("\n")
    bv.write_pcap(os.path.join(HERE, "bip_oracle.pcap"), 1, [bv.ether_ip_udp(r) for r in b3.values()])
    bv.write_pcap(os.path.join(HERE, "mstp_oracle.pcap"), 165, [fr for _, fr in tool_frames])
    bv.write_pcap(os.path.join(HERE, "bip_routed.pcap"), 1, [bv.ether_ip_udp(r) for r in routed.values()])
    bv.write_pcap(os.path.join(HERE, "bip6.pcap"), 1, [ether_ipv6_udp(r) for r in v6.values()])
    bv.write_pcap(os.path.join(ROOT, "Fixtures", "mstp", "mstp_cases.pcap"), 165, [fr for _, fr in cases])
    print("wrote golden.json, bip_oracle.pcap, bip_routed.pcap, mstp_oracle.pcap, bip6.pcap, ../mstp/mstp_cases.pcap")
    return 0


if __name__ == "__main__":
    sys.exit(main())
