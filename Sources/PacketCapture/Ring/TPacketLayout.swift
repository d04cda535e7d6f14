/// Offsets of the TPACKET_V3 structures (linux/if_packet.h), restated here so the block walker compiles on plain
/// bytes without the C headers; a test checks every one against the shim's `offsetof` values.
///
/// ```
/// struct tpacket_block_desc { u32 version; u32 offset_to_priv;
///   struct tpacket_hdr_v1 { u32 block_status (8); u32 num_pkts (12); u32 offset_to_first_pkt (16);
///                           u32 blk_len (20); u64 seq_num (24); ts_first_pkt (32); ts_last_pkt (40) } }
/// struct tpacket3_hdr { u32 tp_next_offset (0); u32 tp_sec (4); u32 tp_nsec (8); u32 tp_snaplen (12);
///   u32 tp_len (16); u32 tp_status (20); u16 tp_mac (24); u16 tp_net (26);
///   hv1 { u32 tp_rxhash (28); u32 tp_vlan_tci (32); u16 tp_vlan_tpid (36); u16 pad } ; u8 pad[8] }  // 48 bytes
/// struct sockaddr_ll at TPACKET_ALIGN(48) = 48: ... u8 sll_pkttype (48 + 10) ...
/// ```
package enum TPacketLayout {
  package static let blockStatus = 8
  package static let numPackets = 12
  package static let firstPacket = 16
  package static let blockLength = 20
  package static let blockHeaderSize = 48

  package static let nextOffset = 0
  package static let seconds = 4
  package static let nanoseconds = 8
  package static let snapLength = 12
  package static let length = 16
  package static let status = 20
  package static let mac = 24
  package static let vlanTCI = 32
  package static let vlanTPID = 36
  package static let headerSize = 48
  package static let packetType = 58

  package static let statusUser: UInt32 = 1
  package static let statusVLANValid: UInt32 = 1 << 4
  package static let statusVLANTPIDValid: UInt32 = 1 << 6
}
