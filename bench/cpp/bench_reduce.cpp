// Microbenchmarks of the reduce family (Google Benchmark). Build with -DPYTENSOR_BUILD_BENCH=ON;
// run e.g. `pytensor_cpp_bench --benchmark_filter=Reduce`. Bytes/s counts the input read once.
#include <benchmark/benchmark.h>

#include <cstring>
#include <random>

#include "core/parallel.h"
#include "ops/ops.h"

namespace {

pt::Tensor random_tensor(const pt::Shape& shape, pt::DType dtype) {
  pt::Tensor t = pt::Tensor::empty(shape, dtype);
  std::mt19937 gen(42);
  std::uniform_real_distribution<float> dist(0.f, 1.f);
  const int64_t n = t.numel();
  if (dtype == pt::DType::Float32) {
    float* p = t.data<float>();
    for (int64_t i = 0; i < n; ++i) p[i] = dist(gen);
  } else if (dtype == pt::DType::Float64) {
    double* p = t.data<double>();
    for (int64_t i = 0; i < n; ++i) p[i] = dist(gen);
  } else if (dtype == pt::DType::Int32) {
    int32_t* p = t.data<int32_t>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<int32_t>(dist(gen) * 100);
  } else {
    std::memset(t.raw_data(), 0, static_cast<size_t>(n) * t.itemsize());
  }
  return t;
}

/** Args: rows, cols, axis (-1: all axes), threads. */
void run(benchmark::State& state, pt::OpId op, pt::DType dtype) {
  const int64_t rows = state.range(0), cols = state.range(1), axis = state.range(2);
  pt::set_num_threads(static_cast<int>(state.range(3)));
  pt::Tensor x = random_tensor(cols > 0 ? pt::Shape{rows, cols} : pt::Shape{rows}, dtype);
  for (auto _ : state) {
    pt::Tensor y = axis < 0 ? pt::ops::reduce(op, x, {}, true, false) : pt::ops::reduce(op, x, {axis}, false, false);
    benchmark::DoNotOptimize(y.raw_data());
  }
  state.SetBytesProcessed(state.iterations() * x.numel() * static_cast<int64_t>(x.itemsize()));
}

void BM_ReduceSumF32(benchmark::State& s) { run(s, pt::OpId::reduce_sum, pt::DType::Float32); }
void BM_ReduceSumF64(benchmark::State& s) { run(s, pt::OpId::reduce_sum, pt::DType::Float64); }
void BM_ReduceSumI32(benchmark::State& s) { run(s, pt::OpId::reduce_sum, pt::DType::Int32); }
void BM_ReduceMaxF32(benchmark::State& s) { run(s, pt::OpId::reduce_max, pt::DType::Float32); }
void BM_ReduceMeanF32(benchmark::State& s) { run(s, pt::OpId::reduce_mean, pt::DType::Float32); }
void BM_ReduceLogSumExpF32(benchmark::State& s) { run(s, pt::OpId::reduce_logsumexp, pt::DType::Float32); }

void BM_ArgMaxF32(benchmark::State& state) {
  const int64_t rows = state.range(0), cols = state.range(1), axis = state.range(2);
  pt::set_num_threads(static_cast<int>(state.range(3)));
  pt::Tensor x = random_tensor({rows, cols}, pt::DType::Float32);
  for (auto _ : state) {
    pt::Tensor y = pt::ops::arg_reduce(pt::OpId::argmax, x, axis, pt::DType::Int64);
    benchmark::DoNotOptimize(y.raw_data());
  }
  state.SetBytesProcessed(state.iterations() * x.numel() * 4);
}

// {rows, cols (0: 1-d), axis (-1: all), threads}
void sum_shapes(benchmark::internal::Benchmark* b) {
  for (int threads : {1, 2}) {
    b->Args({10000000, 0, -1, threads});
    b->Args({10000, 1000, 0, threads});
    b->Args({10000, 1000, 1, threads});
    b->Args({1000000, 10, 0, threads});
    b->Args({1000000, 10, 1, threads});
  }
}

void small_shapes(benchmark::internal::Benchmark* b) {
  b->Args({10000000, 0, -1, 2});
  b->Args({10000, 1000, 0, 2});
  b->Args({10000, 1000, 1, 2});
}

}  // namespace

BENCHMARK(BM_ReduceSumF32)->Apply(sum_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReduceSumF64)->Apply(small_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReduceSumI32)->Apply(small_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReduceMaxF32)->Apply(small_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReduceMeanF32)->Apply(small_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ReduceLogSumExpF32)->Apply(small_shapes)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ArgMaxF32)
    ->Args({10000, 1000, 0, 2})
    ->Args({10000, 1000, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
