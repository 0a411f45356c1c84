// Google Benchmark of element-wise ops over 10^7 float32 through ops::binary / ops::unary / ops::cast.
// Built into pytensor_cpp_bench with bench_linalg.cpp (which holds main); filter with
//   build/bench/pytensor_cpp_bench --benchmark_filter='Add|Exp|Cast'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>

#include "core/parallel.h"
#include "ops/ops.h"

namespace {

constexpr int64_t kElements = 10'000'000;

int threads_from_env() {
  const char* env = std::getenv("PT_BENCH_THREADS");
  return env ? std::max(1, std::atoi(env)) : 2;
}

pt::Tensor ramp(int64_t n, float scale) {
  pt::Tensor t = pt::Tensor::empty({n}, pt::DType::Float32);
  float* p = t.data<float>();
  for (int64_t i = 0; i < n; ++i) p[i] = scale * static_cast<float>(i % 1000) / 1000.0f;
  return t;
}

/** Bytes moved per call (inputs read + output written), for the reporter's GB/s. */
void set_bytes(benchmark::State& state, int64_t arrays) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * kElements * 4 * arrays);
}

void BM_Add(benchmark::State& state) {
  pt::set_num_threads(threads_from_env());
  const pt::Tensor a = ramp(kElements, 1.0f), b = ramp(kElements, 2.0f);
  for (auto _ : state) {
    pt::Tensor c = pt::ops::binary(pt::OpId::add, a, b);
    benchmark::DoNotOptimize(c.raw_data());
  }
  set_bytes(state, 3);
}
BENCHMARK(BM_Add)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Exp(benchmark::State& state) {
  pt::set_num_threads(threads_from_env());
  const pt::Tensor a = ramp(kElements, 4.0f);
  for (auto _ : state) {
    pt::Tensor c = pt::ops::unary(pt::OpId::exp, a);
    benchmark::DoNotOptimize(c.raw_data());
  }
  set_bytes(state, 2);
}
BENCHMARK(BM_Exp)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CastToInt32(benchmark::State& state) {
  pt::set_num_threads(threads_from_env());
  const pt::Tensor a = ramp(kElements, 100.0f);
  for (auto _ : state) {
    pt::Tensor c = pt::ops::cast(a, pt::DType::Int32);
    benchmark::DoNotOptimize(c.raw_data());
  }
  set_bytes(state, 2);
}
BENCHMARK(BM_CastToInt32)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
