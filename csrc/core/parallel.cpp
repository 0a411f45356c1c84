#include "parallel.h"

#include <cstdlib>

#include "errors.h"

namespace pt {

namespace {
int initial_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}
int g_threads = initial_threads();
}  // namespace

int get_num_threads() { return g_threads; }

void set_num_threads(int n) {
  check_arg(n >= 1, "set_num_threads: expected a thread count >= 1, got ", n);
  g_threads = n;
#ifdef _OPENMP
  omp_set_num_threads(n);
#endif
}

}  // namespace pt
