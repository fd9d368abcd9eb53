import Architectures
import ArgumentParser
import Tensor

/// `--precision`: fp32, int8, or auto — int8 on CPUs with AVX-512 VNNI, fp32 elsewhere. The default model's recipe
/// records the check that makes int8 the default there (validation and dev-set AUPRC within 0.005 of fp32; see the
/// README's int8 table).
enum PrecisionChoice: String, CaseIterable, Sendable, ExpressibleByArgument {
    case auto, fp32, int8

    func resolved(hasVNNI: Bool = CPUFeatures.hasAVX512VNNI) -> EngineOptions.Precision {
        switch self {
        case .fp32: .fp32
        case .int8: .int8
        case .auto: hasVNNI ? .int8 : .fp32
        }
    }
}
