#!/usr/bin/env python3
"""Builds the seed corpus of one fuzz target from the capture fixtures.

usage: Fuzz/seeds.py TARGET OUTDIR [EXTRA_DIR...]

Sources: every pcap/pcapng(.gz) under Fixtures/ and, when present, ../shared/captures/ (read in place, never
copied into the repository). Each target gets inputs in its own layout (see the comment at the top of
Fuzz/Targets/TARGET.swift): whole files, files minus their magic, gzip streams, link-layer frames, UDP payloads,
APDU tails or MS/TP records. Seeds larger than 64 KiB are skipped (libFuzzer's default -max_len is 4 KiB anyway).
EXTRA_DIRs are searched as well. Every capture is read defensively: one shorter than its own header, or damaged
anywhere, gives the seeds that can be read from it (at least itself, where the target takes whole files) and never
stops the script.
"""
import gzip, hashlib, os, struct, sys, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIRS = [os.path.join(ROOT, "Fixtures"), os.path.join(os.path.dirname(ROOT), "shared", "captures")]
PCAP_MAGICS = {b"\xd4\xc3\xb2\xa1": 0, b"\xa1\xb2\xc3\xd4": 1, b"\x4d\x3c\xb2\xa1": 2, b"\xa1\xb2\x3c\x4d": 3,
               b"\x34\xcd\xb2\xa1": 4, b"\xa1\xb2\xcd\x34": 5}
LINKS = [1, 0, 101, 113, 276, 228, 229, 12, 14, 108, 165, 6, 105, 127, 147, 239]  # as in linklayer.swift


def captures():
    for d in DIRS + sys.argv[3:]:
        for dp, _, fs in os.walk(d):
            for f in sorted(fs):
                if f.endswith((".pcap", ".pcapng", ".cap", ".gz")) or "regressions" in dp:
                    p = os.path.join(dp, f)
                    try:
                        with open(p, "rb") as fh:
                            data = fh.read()
                        if data[:2] == b"\x1f\x8b":
                            data = gzip.decompress(data)
                    except (OSError, EOFError, ValueError, zlib.error) as error:
                        print(f"seeds.py: skipping {p}: {error}", file=sys.stderr)
                        continue
                    yield p, data


def packets(data):
    """(linktype, frame) of every packet of a pcap or pcapng file (best effort).

    Total on damaged input: every read is length-checked first, and a capture shorter than its own header, or
    whose records stop making sense, simply yields the packets before that point (possibly none).
    """
    if len(data) >= 24 and data[:4] in PCAP_MAGICS:
        e = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\x34\xcd\xb2\xa1") else ">"
        h = 24 if data[:4] in (b"\x34\xcd\xb2\xa1", b"\xa1\xb2\xcd\x34") else 16
        link = struct.unpack(e + "I", data[20:24])[0] & 0xFFFF
        i = 24
        while i + h <= len(data):
            cap = struct.unpack(e + "I", data[i + 8:i + 12])[0]
            if i + h + cap > len(data):
                break
            yield link, data[i + h:i + h + cap]
            i += h + cap
    elif data[:4] == b"\x0a\x0d\x0d\x0a":
        i, e, links = 0, "<", []
        while i + 12 <= len(data):
            if data[i:i + 4] == b"\x0a\x0d\x0d\x0a":
                e = "<" if data[i + 8:i + 12] == b"\x4d\x3c\x2b\x1a" else ">"
                links = []
            t, ln = struct.unpack(e + "II", data[i:i + 8])
            if ln < 12 or i + ln > len(data):
                break
            if t == 1 and ln >= 12:
                links.append(struct.unpack(e + "H", data[i + 8:i + 10])[0])
            elif t == 6 and ln >= 32:
                iface, _, _, cap = struct.unpack(e + "IIII", data[i + 8:i + 24])
                if iface < len(links) and 28 + cap <= ln:
                    yield links[iface], data[i + 28:i + 28 + cap]
            i += (ln + 3) & ~3


def udp_payload(link, f):
    off = {1: 14, 0: 4, 101: 0, 113: 16, 228: 0, 229: 0}.get(link)
    if off is None:
        return None
    if link == 1:
        while f[off - 2:off] in (b"\x81\x00", b"\x88\xa8") and len(f) > off + 4:
            off += 4
    if len(f) < off + 28:
        return None
    v = f[off] >> 4
    if v == 4:
        ihl = (f[off] & 15) * 4
        if f[off + 9] != 17 or len(f) < off + ihl + 8:
            return None
        return f[off + ihl + 8:]
    if v == 6 and len(f) >= off + 48 and f[off + 6] == 17:
        return f[off + 48:]
    return None


def ring_block(frames, variant):
    """One TPACKET_V3 block (little-endian host) holding `frames` the way the kernel lays them out: block header,
    then per packet a tpacket3_hdr, sockaddr_ll and the frame at tp_mac, linked by tp_next_offset. `variant`
    cycles the VLAN status bits (stripped 802.1Q / 802.1ad tags, TCI without the valid flag) and packet types."""
    body, offset = b"", 48
    for i, f in enumerate(frames):
        mac = 80
        nxt = (mac + len(f) + 15) & ~15
        status = 1 | ((1 << 4) if (variant + i) % 3 == 1 else 0) | ((1 << 6) if (variant + i) % 5 == 1 else 0)
        tci = 0x0064 if (variant + i) % 3 else 0
        hdr = struct.pack("<IIIIIIHHIIHH8x", 0 if i == len(frames) - 1 else nxt, 1700000000 + i, 5, len(f), len(f),
                          status, mac, mac + 14, 0, tci, 0x88A8, 0)
        sll = struct.pack("<HHiHBB8s", 17, 0x0300, 2, 1, (variant + i) % 5, 6, b"")
        pkt = (hdr + sll).ljust(mac, b"\0") + f
        body += pkt.ljust(nxt, b"\0")
        offset += nxt
    head = struct.pack("<IIIIIIQ", 3, 0, 1, len(frames), 48, offset, variant).ljust(48, b"\0")
    return bytes([variant & 1]) + head + body


def seeds(target):
    """Every seed of TARGET; a capture whose layout defeats the best-effort walks is skipped with a message."""
    if target == "ringblock":
        frames = []
        for path, data in captures():
            try:
                frames += [f for link, f in packets(data) if link == 1 and len(f) <= 1600]
            except (struct.error, IndexError, ValueError) as error:
                print(f"seeds.py: skipping {path}: {error}", file=sys.stderr)
                continue
            if len(frames) >= 600:
                break
        for k in range(0, len(frames), 6):
            yield ring_block(frames[k:k + 1 + k % 6], k)
        return
    for path, data in captures():
        try:
            found = list(seeds_of(target, data))
        except (struct.error, IndexError, ValueError) as error:  # belt and braces: the walks check lengths first
            print(f"seeds.py: skipping {path}: {error}", file=sys.stderr)
            continue
        yield from found


def seeds_of(target, data):
    """The seeds one capture gives TARGET, in its input layout (see Fuzz/Targets/TARGET.swift)."""
    if target in ("pcapng", "repair") and data[:4] == b"\x0a\x0d\x0d\x0a":
        yield data
    if target == "sanitize" and (data[:4] == b"\x0a\x0d\x0d\x0a" or data[:4] in PCAP_MAGICS):
        yield b"\x00" + data[:32768]
        frames = [f for link, f in packets(data) if link == 1][:40]
        if frames:
            yield b"\x01" + b"\xfe".join(frames)
        mstp = [f for link, f in packets(data) if link == 165][:40]
        if mstp:
            yield b"\x03" + b"\xfe".join(mstp)
    if target == "summarize" and (data[:4] == b"\x0a\x0d\x0d\x0a" or data[:4] in PCAP_MAGICS):
        yield b"\x00" + data[:32768]
        frames = [f for link, f in packets(data) if link == 1][:40]
        if frames:
            yield b"\x01" + b"\xfe".join(frames)
    if target == "select" and (data[:4] == b"\x0a\x0d\x0d\x0a" or data[:4] in PCAP_MAGICS):
        # mode, then 8 option bytes (which options, values): a few choices per capture
        for k, opts in enumerate((b"\x04\x00\x00\x01\x00\x00\x0c\x00", b"\x09\x00\x04\xd2\x00\x00\x08\x00",
                                  b"\x12\x00\x00\x05\x00\x05\x00\x05", b"\x3f\x00\x00\x01\x02\x0a\x00\x03")):
            yield b"\x00" + opts + data[:32768]
            frames = [f for link, f in packets(data) if link == 1][:40]
            if frames:
                yield b"\x01" + opts + b"\xfe".join(frames)
            mstp = [f for link, f in packets(data) if link == 165][:40]
            if mstp:
                yield b"\x03" + opts + b"\xfe".join(mstp)
    if target in ("pcap", "repair") and data[:4] in PCAP_MAGICS:
        yield bytes([PCAP_MAGICS[data[:4]]]) + data[4:] if target == "pcap" else data
    if target == "gzip":
        yield b"\x00" + gzip.compress(data[:16384])
    if target == "mstpstream":
        frames = [f for link, f in packets(data) if link == 165]
        for k in range(0, min(len(frames), 400), 40):
            # rate index, read-size seed, then consecutive frames as they were on the line
            yield bytes([k % 6, k % 251]) + b"".join(frames[k:k + 40])
    if target in ("linklayer", "bacnet", "tags", "mstp"):
        for link, frame in packets(data):
            if target == "linklayer" and link in LINKS:
                yield bytes([LINKS.index(link)]) + frame
            elif target == "mstp" and link == 165:
                yield frame
            elif target in ("bacnet", "tags"):
                p = udp_payload(link, frame)
                if p is None:
                    continue
                if target == "bacnet":
                    yield p
                else:
                    for k in (6, 8, 10, 12, 16):  # APDU tails: some start at a tag
                        yield p[k:]


def main():
    target, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    n = 0
    for s in seeds(target):
        if n >= 3000:  # plenty for libFuzzer, which keeps only inputs that add coverage
            break
        if 0 < len(s) <= 65536:
            name = hashlib.sha1(s).hexdigest()
            p = os.path.join(out, name)
            if not os.path.exists(p):
                open(p, "wb").write(s)
                n += 1
    print(f"{n} new seeds for {target} in {out}", file=sys.stderr)


main()
