// Tests for BACnetDecode.
