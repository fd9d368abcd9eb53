import Foundation

/// One HTTP/2 stream of a connection (RFC 9113 §5): the request being received and the response
/// being sent. Owned by its `HTTP2Session` on the event loop thread.
final class HTTP2Stream {
    let id: Int32
    var method: String?
    var path: String?
    var authority: String?
    var headers = HTTPHeaders()
    /// Header bytes as counted for SETTINGS_MAX_HEADER_LIST_SIZE (name + value + 32, RFC 9113 §6.5.2).
    var headerListSize = 0
    /// The request header block is complete; later HEADERS are trailers and are ignored.
    var isHeadComplete = false
    var body = Data()
    /// A protocol-level answer owed instead of calling the handler (413, 431, 400).
    var error: HTTPParseError?
    /// Handed to the handler (or answered with `error`): later frames cannot change the request.
    var isDispatched = false
    var context: HTTPRequestContext?

    /// Response content not yet taken by nghttp2, front first; `outgoingOffset` into the first piece.
    var outgoing: [Data] = []
    var outgoingOffset = 0
    /// No more content will be queued: the data source reports EOF once `outgoing` is empty.
    var isOutgoingFinished = false
    /// The data source returned NGHTTP2_ERR_DEFERRED and waits for `nghttp2_session_resume_data`.
    var isDeferred = false
    /// A streaming response body being relayed as DATA frames.
    var bodyStream: HTTPBodyStream?

    init(id: Int32) {
        self.id = id
    }

    var outgoingByteCount: Int { outgoing.reduce(0) { $0 + $1.count } - outgoingOffset }

    /// Copies up to `capacity` bytes of queued content into `buffer`; returns the count.
    func takeOutgoing(into buffer: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        var written = 0
        while written < capacity, let first = outgoing.first {
            let available = first.count - outgoingOffset
            let count = min(available, capacity - written)
            first.withUnsafeBytes { bytes in
                (buffer + written).update(
                    from: bytes.bindMemory(to: UInt8.self).baseAddress! + outgoingOffset, count: count)
            }
            written += count
            outgoingOffset += count
            if outgoingOffset == first.count {
                outgoing.removeFirst()
                outgoingOffset = 0
            }
        }
        return written
    }
}
