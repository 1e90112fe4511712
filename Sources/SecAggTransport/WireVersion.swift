/// Versions and limits of the gRPC wire protocol (Docs/wire.md).
public enum WireProtocol {
    /// `protocol_version` of every envelope; readers refuse any other value. Version 2: server messages are
    /// signed (``ServerMessageAuthentication``), Welcome carries the run id, round contexts bind it. Version 3:
    /// both authentication transcripts bind the channel (``ChannelBinding``), Challenge (version 2) states it.
    /// Version 4: every signed message is O(1) bytes: advertisements sign the round context's digest and
    /// consistency signatures the survivor list's (AdvertiseKeys and ConsistencyCheck message version 2).
    public static let version: UInt32 = 4
    /// Largest gRPC message either side accepts (bytes).
    public static let maxMessageBytes = 4 << 20
    /// Largest slice of a packed masked vector carried by one ``Secagg_V1_MaskedInputChunk`` (bytes).
    public static let maskedChunkBytes = 1 << 20
}
