import Foundation

/// Kernels of Llama-family decoders: RMSNorm, rotary position embedding, SwiGLU.
extension Kernels {
    /// y = x / sqrt(mean(x²) + eps) · weight, row by row (modeling_llama.py `LlamaRMSNorm`; statistics in fp32).
    /// x, y [rows, cols] (may alias); weight [cols].
    public static func rmsNorm(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, weight: UnsafePointer<Float>, epsilon: Float,
        into y: UnsafeMutablePointer<Float>
    ) {
        for r in 0..<rows {
            let xr = x + r * cols, yr = y + r * cols
            var sum: Float = 0
            for c in 0..<cols { sum += xr[c] * xr[c] }
            let scale = 1 / (sum / Float(cols) + epsilon).squareRoot()
            for c in 0..<cols { yr[c] = xr[c] * scale * weight[c] }
        }
    }

    /// How a checkpoint pairs the dimensions that one rotary frequency rotates.
    public enum RotaryLayout: Sendable, Equatable {
        /// (x[2i], x[2i+1]): ggml's "normal" RoPE, what GGUF Llama weights expect (llama.cpp's converter
        /// permutes Q/K rows into this order).
        case interleaved
        /// (x[i], x[i + d/2]): Hugging Face `rotate_half`.
        case halves
    }

    /// Rotates `heads` heads of `headDim` in each row of x [rows, rowStride] in place; row r sits at
    /// position `positions[r]`. Frequency i is theta^(-2i/headDim) (RoFormer §3.4.2).
    public static func rotaryEmbedding(
        _ x: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, heads: Int, headDim: Int,
        positions: UnsafePointer<Int32>, theta: Float, layout: RotaryLayout
    ) {
        let half = headDim / 2
        for r in 0..<rows {
            let position = Double(positions[r])
            for i in 0..<half {
                let angle = position * Foundation.pow(Double(theta), -2 * Double(i) / Double(headDim))
                let c = Float(Foundation.cos(angle)), s = Float(Foundation.sin(angle))
                for h in 0..<heads {
                    let head = x + r * rowStride + h * headDim
                    let (a, b) = layout == .interleaved ? (2 * i, 2 * i + 1) : (i, i + half)
                    let x0 = head[a], x1 = head[b]
                    head[a] = x0 * c - x1 * s
                    head[b] = x0 * s + x1 * c
                }
            }
        }
    }

    /// gate = silu(gate) · up, elementwise (the SwiGLU of `LlamaMLP`; silu(g) = g / (1 + e^-g)).
    public static func swiGLU(_ gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
        for i in 0..<count {
            let g = gate[i]
            gate[i] = g / (1 + Foundation.exp(-g)) * up[i]
        }
    }
}
