#ifndef RAMPART_CFUZZDRIVER_H
#define RAMPART_CFUZZDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt FuzzerInterface.h), linked in by `-sanitize=fuzzer`. The fuzz executables call it
/// from their own `main`: SwiftPM links an executable with `main` aliased to `<Target>_main`, so libFuzzer's `main`
/// is never pulled from the archive.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// Runs libFuzzer with `callback` as `LLVMFuzzerTestOneInput`; returns its exit status.
int rampart_fuzz_run(int argc, char **argv, int (*callback)(const uint8_t *data, size_t size));

#endif
