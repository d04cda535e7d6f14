// BACnetAnalysis: the pipeline from a PcapKit packet to BACnetDecode results, and the analyzers built on it.
