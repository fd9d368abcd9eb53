// swift-tools-version:6.2
// Rampart: a safety-guard inference server. Layering (see README "Architecture"):
// rampart → GuardService → {HTTPServer, Scoring, Generation}; Generation → Architectures ; Scoring → Architectures → {Tokenizers, ModelIO} → Tensor → COpenBLAS
import PackageDescription

let package = Package(
    name: "Rampart",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rampart", targets: ["rampart"]),
        .executable(name: "EngineBench", targets: ["EngineBench"]),
        .executable(name: "DecodeBench", targets: ["DecodeBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        // System libraries and C shims.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .target(name: "CEpoll"),
        .systemLibrary(name: "CNghttp2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        // AVX-512 kernels (packed-weight SGEMM, fused attention, GELU, LayerNorm), enabled per function
        // with target attributes and used only after a runtime CPU check.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),

        // Numerics and model loading.
        .target(name: "Tensor", dependencies: ["COpenBLAS", "CKernels"]),
        .target(name: "ModelIO", dependencies: ["Tensor"]),
        .target(name: "Tokenizers"),
        .target(name: "Architectures", dependencies: ["Tensor", "ModelIO", "Tokenizers"]),

        // Scoring knows nothing of HTTP; HTTPServer knows nothing of models.
        .target(name: "Scoring", dependencies: [
            "Architectures", "Tokenizers", "ModelIO", "Tensor",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        // Causal-LM generation and adversarial contrastive decoding (arXiv 2406.16743).
        .target(name: "Generation", dependencies: [
            "Architectures", "Tokenizers", "Tensor", "ModelIO",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .target(name: "HTTPServer", dependencies: [
            "CEpoll", "CNghttp2", "CZlib",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "GuardService", dependencies: [
            "HTTPServer", "Scoring", "Generation",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ]),
        .executableTarget(name: "rampart", dependencies: [
            "GuardService", "Scoring", "Generation", "Architectures", "ModelIO", "Tensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Engine benchmark against PyTorch / ONNX Runtime (Models/bench/peers_encoder.py).
        .executableTarget(name: "EngineBench", dependencies: [
            "Architectures", "Tensor",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Decode benchmark (plain and ACD) against llama.cpp (Models/bench/peers_decode.py).
        .executableTarget(name: "DecodeBench", dependencies: [
            "Generation", "Architectures",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "ModelIOTests", dependencies: ["ModelIO", "Tensor"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"]),
        .testTarget(name: "ArchitecturesTests", dependencies: ["Architectures", "ModelIO", "Tokenizers", "Tensor"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "Architectures"]),
        .testTarget(name: "GenerationTests", dependencies: ["Generation", "Architectures", "ModelIO", "Tokenizers"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer"]),
        .testTarget(name: "GuardServiceTests", dependencies: ["GuardService", "HTTPServer", "Scoring", "Generation", "Architectures"]),
    ]
)

// libFuzzer targets (issue 14): declared only when RAMPART_FUZZ=1, so that a plain `swift build` never sees them.
// Tests/fuzz/run.sh builds them with `-sanitize=fuzzer` and `-enable-testing` (the harnesses reach internal parsers
// with `@testable import`, as the unit tests do). Each `main.swift` hands its `LLVMFuzzerTestOneInput` to libFuzzer's
// driver (CFuzzDriver).
if Context.environment["RAMPART_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzHTTP1", ["HTTPServer"]),
        ("FuzzHTTP2", ["HTTPServer", "CNghttp2"]),
        ("FuzzGzip", ["HTTPServer"]),
        ("FuzzJSONRequest", ["GuardService", "HTTPServer"]),
        ("FuzzWordPiece", ["Tokenizers"]),
        ("FuzzUnigram", ["Tokenizers"]),
        ("FuzzBPE", ["Tokenizers"]),
        ("FuzzTokenizerJSON", ["Tokenizers"]),
        ("FuzzSafetensors", ["ModelIO"]),
        ("FuzzGGUF", ["ModelIO"]),
    ]
    package.targets.append(.target(name: "CFuzzDriver", path: "Tests/fuzz/Sources/CFuzzDriver"))
    package.targets.append(.target(
        name: "FuzzSupport", dependencies: ["CFuzzDriver", "Tokenizers"], path: "Tests/fuzz/Sources/FuzzSupport"))
    for target in fuzzTargets {
        package.targets.append(.executableTarget(
            name: target.name, dependencies: target.dependencies + ["FuzzSupport"],
            path: "Tests/fuzz/Sources/\(target.name)"))
        package.products.append(.executable(name: target.name, targets: [target.name]))
    }
}
