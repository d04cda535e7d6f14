// BACnetDecode: decoders for BVLC (Annex J and U), NPDU, APDU and MS/TP frames.
// The types live in the BVLC/, NPDU/, APDU/, Tags/ and MSTP/ folders.
