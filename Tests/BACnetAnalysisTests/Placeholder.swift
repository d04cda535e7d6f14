// Tests for BACnetAnalysis.
