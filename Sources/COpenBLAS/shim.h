// OpenBLAS through pkg-config (openblas.pc puts the include directory on the path).
#include <cblas.h>

// OpenBLAS extension: set the number of worker threads (declared in openblas_config.h / cblas.h).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
