/// tokenizers `pre_tokenizers/metaspace.rs` (SentencePiece style): spaces become the replacement character (▁),
/// which is prepended per `prepend_scheme`, and the text is split before each ▁ (`MergedWithNext`).
struct MetaspacePreTokenizer: PreTokenizer {
    enum PrependScheme: Sendable { case always, first, never }

    var replacement: Unicode.Scalar
    var prependScheme: PrependScheme
    var splits: Bool

    init(replacement: Unicode.Scalar = "\u{2581}", prependScheme: PrependScheme = .always, splits: Bool = true) {
        self.replacement = replacement
        self.prependScheme = prependScheme
        self.splits = splits
    }

    init(_ json: JSONComponent) throws {
        let text = try json.string("replacement", default: "\u{2581}")
        guard text.unicodeScalars.count == 1, let scalar = text.unicodeScalars.first else {
            throw json.invalid("replacement", "expected exactly one character, got '\(text)'")
        }
        let scheme: PrependScheme
        if let name = try json.optionalString("prepend_scheme") {
            switch name {
            case "always": scheme = .always
            case "first": scheme = .first
            case "never": scheme = .never
            default: throw json.invalid("prepend_scheme", "expected always, first or never, got '\(name)'")
            }
        } else {
            // Files from tokenizers < 0.15 carry add_prefix_space instead.
            scheme = try json.bool("add_prefix_space", default: true) ? .always : .never
        }
        self.init(replacement: scalar, prependScheme: scheme, splits: try json.bool("split", default: true))
    }

    var tracksStart: Bool {
        prependScheme == .first
    }

    func split(_ piece: TextPiece) -> [TextPiece] {
        var scalars = piece.scalars.map { $0 == " " ? replacement : $0 }
        // NormalizedString::prepend does nothing on empty text.
        if let first = scalars.first, first != replacement {
            switch prependScheme {
            case .always: scalars.insert(replacement, at: 0)
            case .first: if piece.isAtStart { scalars.insert(replacement, at: 0) }
            case .never: break
            }
        }
        let replaced = TextPiece(scalars: scalars[...], isAtStart: piece.isAtStart)
        guard splits else { return scalars.isEmpty ? [] : [replaced] }
        let marker = replacement
        return replaced.split(behavior: .mergedWithNext) { $0 == marker }
    }
}
