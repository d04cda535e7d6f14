// Tests for PcapKit.
