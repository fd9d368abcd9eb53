/// When the output rail checks one streamed answer, and which text each check covers.
///
/// The answer grows chunk by chunk. Once `interval` characters (Unicode scalars) beyond the last check have
/// arrived, a check is due; it covers the new text plus the last `overlap` characters of what earlier checks saw,
/// so a phrase cut by a check boundary is still read whole by one check. At the end of the stream, whatever no
/// check has covered yet is due regardless of length. A check that starts while another runs waits: `begin()`
/// takes everything that has arrived by then, so checks never pile up behind a slow scorer.
struct OutputRailWindow: Sendable, Equatable {
    /// The text one check covers: scalar offsets `start..<end` of the answer.
    struct Segment: Sendable, Equatable {
        var text: String
        var start: Int
        var end: Int
    }

    let interval: Int
    let overlap: Int
    /// The part of the answer a later check can still need: from `dropped` (scalars) to the end. Text before the
    /// overlap of the last check is let go, so a long stream keeps O(interval + overlap) characters, not the answer.
    private var text = ""
    /// Scalars of the answer before `text`.
    private var dropped = 0
    /// Length of the answer so far, in Unicode scalars.
    private(set) var count = 0
    /// Scalars covered by checks begun so far.
    private(set) var checked = 0
    /// Checks begun.
    private(set) var checks = 0

    init(interval: Int, overlap: Int) {
        precondition(interval > 0 && overlap >= 0, "interval must be positive and overlap non-negative")
        self.interval = interval
        self.overlap = overlap
    }

    mutating func append(_ piece: String) {
        text += piece
        count += piece.unicodeScalars.count
    }

    /// Whether a check should start now. At the end of the stream any unchecked text is due.
    func isDue(atEnd: Bool) -> Bool {
        atEnd ? count > checked : count - checked >= interval
    }

    /// Starts a check over everything unchecked, preceded by up to `overlap` checked characters.
    mutating func begin() -> Segment {
        let start = max(dropped, checked - overlap)
        let scalars = text.unicodeScalars
        let from = scalars.index(scalars.startIndex, offsetBy: start - dropped)
        let segment = Segment(text: String(scalars[from...]), start: start, end: count)
        checked = count
        checks += 1
        // The next check starts at most `overlap` scalars before this one's end: keep only that.
        let keep = min(overlap, count - dropped)
        text = String(scalars.suffix(keep))
        dropped = count - keep
        return segment
    }

    /// A whole (non-streamed) answer cut the way a stream of it would be checked: `interval` new characters per
    /// segment, each preceded by `overlap` old ones, so that both paths reach the same verdict on the same text. At
    /// most `limit` segments: the last one takes the rest (the scorer windows it).
    static func segments(of text: String, interval: Int, overlap: Int, limit: Int) -> [Segment] {
        let scalars = Array(text.unicodeScalars)
        var segments: [Segment] = []
        var start = 0
        while start < scalars.count {
            let end = segments.count == limit - 1 ? scalars.count : min(scalars.count, start + interval)
            let from = max(0, start - overlap)
            var piece = String.UnicodeScalarView()
            piece.append(contentsOf: scalars[from ..< end])
            segments.append(Segment(text: String(piece), start: from, end: end))
            start = end
        }
        return segments
    }
}
