import CKernels

/// Instruction-set features of the running CPU that select kernel implementations.
///
/// Checked once at run time (CPUID and the OS's saved register state), so one binary runs everywhere:
/// the AVX-512 kernels on CPUs that have them, the portable Swift SIMD and OpenBLAS paths elsewhere.
public enum CPUFeatures {
    /// AVX-512F is available (x86-64 only).
    public static let hasAVX512: Bool = rk_cpu_has_avx512() != 0
    /// AVX-512F, BW, VL and VNNI (`vpdpbusd`) are available: the int8 GEMM can run.
    public static let hasAVX512VNNI: Bool = rk_cpu_has_avx512_vnni() != 0
}
