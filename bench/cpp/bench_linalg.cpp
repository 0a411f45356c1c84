// Google Benchmark of ops::matmul (float32, square n x n, the sizes of bench/gemm.py) through the C++ API.
//   cmake -S . -B build/bench -G Ninja -DPYTENSOR_BUILD_BENCH=ON && cmake --build build/bench
//   build/bench/pytensor_cpp_bench --benchmark_filter=Matmul --benchmark_repetitions=7 \
//       --benchmark_report_aggregates_only=true
// Threads: PT_BENCH_THREADS (default 2), the setting for this 2-core machine.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/parallel.h"
#include "ops/ops.h"

namespace {

/** The thread count every benchmark in this binary runs with. */
int bench_threads() {
  const char* env = std::getenv("PT_BENCH_THREADS");
  return env ? std::max(1, std::atoi(env)) : 2;
}

/** A dense float tensor of `shape` with values in [-1, 1). */
pt::Tensor filled(const pt::Shape& shape, unsigned seed) {
  pt::Tensor t = pt::Tensor::empty(shape, pt::DType::Float32);
  float* p = t.data<float>();
  unsigned s = seed * 2654435761u + 1u;
  for (int64_t i = 0, n = t.numel(); i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    p[i] = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return t;
}

void BM_MatmulSquare(benchmark::State& state) {
  pt::set_num_threads(bench_threads());
  const int64_t n = state.range(0);
  const pt::Tensor a = filled({n, n}, 1), b = filled({n, n}, 2);
  for (auto _ : state) {
    pt::Tensor c = pt::ops::matmul(a, b, false, false);
    benchmark::DoNotOptimize(c.raw_data());
  }
  // FLOPs per second, shown in G/s by the reporter: the GFLOPS that bench/gemm.py prints.
  state.counters["FLOPS"] =
      benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_MatmulSquare)->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_MatmulTransposedB(benchmark::State& state) {
  pt::set_num_threads(bench_threads());
  const int64_t n = state.range(0);
  const pt::Tensor a = filled({n, n}, 1), b = filled({n, n}, 2);
  for (auto _ : state) {
    pt::Tensor c = pt::ops::matmul(a, b, false, true);
    benchmark::DoNotOptimize(c.raw_data());
  }
  state.counters["FLOPS"] =
      benchmark::Counter(2.0 * n * n * n, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_MatmulTransposedB)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();

/** Many small products: the batch-parallel path. */
void BM_MatmulBatched(benchmark::State& state) {
  pt::set_num_threads(bench_threads());
  const int64_t batch = 256, n = state.range(0);
  const pt::Tensor a = filled({batch, n, n}, 1), b = filled({batch, n, n}, 2);
  for (auto _ : state) {
    pt::Tensor c = pt::ops::matmul(a, b, false, false);
    benchmark::DoNotOptimize(c.raw_data());
  }
  state.counters["FLOPS"] = benchmark::Counter(2.0 * batch * n * n * n, benchmark::Counter::kIsIterationInvariantRate,
                                               benchmark::Counter::kIs1000);
}
BENCHMARK(BM_MatmulBatched)->Arg(16)->Arg(64)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
