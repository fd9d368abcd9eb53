/// A tokenizer.json `post_processor`: adds special tokens and assigns type ids (HF tokenizers `PostProcessor`).
protocol PostProcessor: Sendable {
    /// Special tokens added to a single sequence or a pair.
    func addedTokenCount(isPair: Bool) -> Int
    /// Merges the sequences. Without special tokens, sequences keep their template type ids.
    func process(_ first: [Int32], _ second: [Int32]?, addSpecialTokens: Bool) -> (ids: [Int32], typeIds: [Int32])
}

/// What tokenizers does with no post-processor: concatenation, type id 0 then 1.
struct PlainPostProcessor: PostProcessor {
    func addedTokenCount(isPair: Bool) -> Int { 0 }

    func process(_ first: [Int32], _ second: [Int32]?, addSpecialTokens: Bool) -> (ids: [Int32], typeIds: [Int32]) {
        let pair = second ?? []
        return (first + pair, [Int32](repeating: 0, count: first.count) + [Int32](repeating: 1, count: pair.count))
    }
}

/// tokenizers `processors/template.rs`: `[CLS] $A [SEP]` and `[CLS] $A [SEP] $B:1 [SEP]:1` style templates.
struct TemplatePostProcessor: PostProcessor {
    enum Piece: Sendable {
        case sequence(isFirst: Bool, typeID: Int32)
        case special(ids: [Int32], typeID: Int32)
    }

    var single: [Piece]
    var pair: [Piece]

    init(single: [Piece], pair: [Piece]) {
        self.single = single
        self.pair = pair
    }

    init(_ json: JSONComponent) throws {
        var specials: [String: [Int32]] = [:]
        let table = try json.object("special_tokens")
        for (name, value) in table.members {
            let entry = try table.child(value, named: name)
            let ids = try entry.array("ids")
            let converted = ids.compactMap { JSONComponent.integer($0).flatMap { Int32(exactly: $0) } }
            guard converted.count == ids.count else {
                throw entry.invalid("ids", "expected an array of token ids")
            }
            specials[name] = converted
        }
        func pieces(_ key: String) throws -> [Piece] {
            try json.array(key).enumerated().map { index, value in
                let element = try json.child(value, named: "\(key)[\(index)]")
                if element.has("Sequence") {
                    let sequence = try element.object("Sequence")
                    let id = try sequence.string("id")
                    guard id == "A" || id == "B" else { throw sequence.invalid("id", "expected A or B, got \(id)") }
                    return .sequence(isFirst: id == "A", typeID: try Self.typeID(sequence))
                }
                let special = try element.object("SpecialToken")
                let id = try special.string("id")
                guard let ids = specials[id] else {
                    throw TokenizerError.missingToken(path: json.path, component: json.component, token: id)
                }
                return .special(ids: ids, typeID: try Self.typeID(special))
            }
        }
        self.init(single: try pieces("single"), pair: try pieces("pair"))
    }

    private static func typeID(_ json: JSONComponent) throws -> Int32 {
        let value = try json.int("type_id", default: 0)
        guard let typeID = Int32(exactly: value), typeID >= 0 else { throw json.invalid("type_id", "\(value) is not a type id") }
        return typeID
    }

    func addedTokenCount(isPair: Bool) -> Int {
        (isPair ? pair : single).reduce(0) { count, piece in
            if case let .special(ids, _) = piece { return count + ids.count }
            return count
        }
    }

    func process(_ first: [Int32], _ second: [Int32]?, addSpecialTokens: Bool) -> (ids: [Int32], typeIds: [Int32]) {
        var ids: [Int32] = []
        var typeIds: [Int32] = []
        for piece in second == nil ? single : pair {
            switch piece {
            case let .sequence(isFirst, typeID):
                let sequence = isFirst ? first : (second ?? [])
                ids += sequence
                typeIds += [Int32](repeating: typeID, count: sequence.count)
            case let .special(specialIDs, typeID):
                guard addSpecialTokens else { continue }
                ids += specialIDs
                typeIds += [Int32](repeating: typeID, count: specialIDs.count)
            }
        }
        return (ids, typeIds)
    }
}

/// tokenizers `processors/{bert,roberta}.rs` expressed as templates:
/// BERT `[CLS] A [SEP]` / `[CLS] A [SEP] B:1 [SEP]:1`; RoBERTa `<s> A </s>` / `<s> A </s> </s> B </s>` (all type 0).
/// Without special tokens BERT gives the second sequence type id 1 and RoBERTa 0.
struct ClassicPostProcessor: PostProcessor {
    var template: TemplatePostProcessor
    var isRoberta: Bool

    init(_ json: JSONComponent, isRoberta: Bool) throws {
        func token(_ key: String) throws -> Int32 {
            let pair = try json.array(key)
            guard pair.count == 2, let id = JSONComponent.integer(pair[1]), let converted = Int32(exactly: id) else {
                throw json.invalid(key, "expected [token, id]")
            }
            return converted
        }
        let cls = try token("cls")
        let sep = try token("sep")
        let secondType: Int32 = isRoberta ? 0 : 1
        self.isRoberta = isRoberta
        template = TemplatePostProcessor(
            single: [.special(ids: [cls], typeID: 0), .sequence(isFirst: true, typeID: 0), .special(ids: [sep], typeID: 0)],
            pair: [.special(ids: [cls], typeID: 0), .sequence(isFirst: true, typeID: 0), .special(ids: [sep], typeID: 0)]
                + (isRoberta ? [.special(ids: [sep], typeID: 0)] : [])
                + [.sequence(isFirst: false, typeID: secondType), .special(ids: [sep], typeID: secondType)])
    }

    func addedTokenCount(isPair: Bool) -> Int {
        template.addedTokenCount(isPair: isPair)
    }

    func process(_ first: [Int32], _ second: [Int32]?, addSpecialTokens: Bool) -> (ids: [Int32], typeIds: [Int32]) {
        if addSpecialTokens { return template.process(first, second, addSpecialTokens: true) }
        if isRoberta { return (first + (second ?? []), [Int32](repeating: 0, count: first.count + (second?.count ?? 0))) }
        return PlainPostProcessor().process(first, second, addSpecialTokens: false)
    }
}

/// Builds the post-processor a tokenizer.json `post_processor` object describes.
func makePostProcessor(_ json: JSONComponent) throws -> any PostProcessor {
    let type = try json.type()
    switch type {
    case "TemplateProcessing": return try TemplatePostProcessor(json)
    case "BertProcessing": return try ClassicPostProcessor(json, isRoberta: false)
    case "RobertaProcessing": return try ClassicPostProcessor(json, isRoberta: true)
    default: throw json.unsupported(type)
    }
}
