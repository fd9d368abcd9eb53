import ModelIO

/// The label set of a sequence-classification head: the output count comes from `classifier.weight`, the names from
/// config.json's id2label (which must agree), else `LABEL_<i>` as transformers names them.
struct ClassifierLabels {
    let count: Int
    let names: [String]

    init(configLabels: [String], configPath: String, weights: WeightStore, bareModelName: String) throws {
        guard let shape = weights.shape(of: "classifier.weight"), shape.count == 2 else {
            throw ArchitecturesError.notAClassifier(
                location: weights.location, detail: "no 'classifier.weight' (a bare \(bareModelName) checkpoint?)")
        }
        count = shape[0]
        if !configLabels.isEmpty, configLabels.count != count {
            throw ArchitecturesError.unsupportedConfig(
                file: configPath, detail: "id2label has \(configLabels.count) labels, classifier has \(count) outputs")
        }
        names = configLabels.isEmpty ? (0..<count).map { "LABEL_\($0)" } : configLabels
    }
}
