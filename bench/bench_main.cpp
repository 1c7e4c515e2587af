// lnslab-bench: LNS ops and kernels against fp32 (and int8) baselines in one binary.
// Family names are Op/type[/args]; scripts/bench.sh pairs each LNS family with the fp32 family of
// the same op and arguments. Every benchmark reports items_per_second (elements or MACs).
// fp32 elementwise baselines run at the same ISA as the LNS kernels (AVX-512, AVX2 or portable,
// as the CPU and --lnslab_isa allow); Gemm/fp32-eigen is Eigen's product as training runs it,
// compiled per ISA and chosen at run time under the same cap.
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "lnslab/lns/kernels/elementwise.hpp"
#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/lns/kernels/isa.hpp"
#include "lnslab/nn/isa.hpp"
#include "lnslab/nn/matmul.hpp"

namespace {

using namespace lnslab::lns;

constexpr int elementwise_n = 4096;

#if defined(__x86_64__)
#define BENCH_AVX2 __attribute__((target("avx2")))
#define BENCH_AVX512 __attribute__((target("avx512f,avx512bw,prefer-vector-width=512")))
#else
#define BENCH_AVX2
#define BENCH_AVX512
#endif

// The ISA of the fp32 elementwise baselines: the one the LNS kernels use in this run
// (--lnslab_isa caps both), so each ratio compares equal vector widths.
enum class BaselineIsa { portable, avx2, avx512 };
BaselineIsa baseline_isa() {
  if (kernel_avx512_active()) return BaselineIsa::avx512;
  if (kernel_avx2_active()) return BaselineIsa::avx2;
  return BaselineIsa::portable;
}
const char* isa_name(BaselineIsa isa) {
  return isa == BaselineIsa::avx512 ? "avx512" : isa == BaselineIsa::avx2 ? "avx2" : "portable";
}

const Format& lns8() {
  static const Format f = Format::parse("lns8:eta0=0.016");
  return f;
}
const Format& lns8g() {
  static const Format f = Format::parse("lns8:gamma=8");
  return f;
}
const Format& lns12() {
  static const Format f = Format::parse("lns12:eta0=0.001");
  return f;
}

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.normal());
  return v;
}

// Codes of normally distributed values (the realistic case: zeros rare, mid-range exponents).
template <typename T>
std::vector<T> random_codes(const Format& f, std::size_t n, std::uint64_t seed) {
  const auto x = random_floats(n, seed);
  std::vector<T> c(n);
  for (std::size_t i = 0; i < n; ++i) c[i] = static_cast<T>(f.encode(x[i]));
  return c;
}

void set_items(benchmark::State& state, double per_iteration) {
  state.SetItemsProcessed(static_cast<std::int64_t>(per_iteration) * state.iterations());
}

// ---- fp32 elementwise baselines (same ISA as the LNS kernels) ----------------------------------
// One loop source, compiled three times; the compiler vectorises each at that width.
#define BENCH_DEFINE_ISA_VARIANTS(name, params, args) \
  void name##_portable params {                       \
    name##_body args;                                 \
  }                                                   \
  BENCH_AVX2 void name##_avx2 params {                \
    name##_body args;                                 \
  }                                                   \
  BENCH_AVX512 void name##_avx512 params {            \
    name##_body args;                                 \
  }                                                   \
  void name params {                                  \
    switch (baseline_isa()) {                         \
      case BaselineIsa::avx512:                       \
        return name##_avx512 args;                    \
      case BaselineIsa::avx2:                         \
        return name##_avx2 args;                      \
      default:                                        \
        return name##_portable args;                  \
    }                                                 \
  }

template <typename Op>
inline __attribute__((always_inline)) void fp32_loop_body(const float* a, const float* b, float* c,
                                                          int n, Op op) {
  for (int i = 0; i < n; ++i) c[i] = op(a[i], b[i]);
}
struct Times {
  float operator()(float x, float y) const { return x * y; }
};
struct Plus {
  float operator()(float x, float y) const { return x + y; }
};
#define fp32_mul_loop_body(a, b, c, n) fp32_loop_body(a, b, c, n, Times{})
#define fp32_add_loop_body(a, b, c, n) fp32_loop_body(a, b, c, n, Plus{})
BENCH_DEFINE_ISA_VARIANTS(fp32_mul_loop, (const float* a, const float* b, float* c, int n),
                          (a, b, c, n))
BENCH_DEFINE_ISA_VARIANTS(fp32_add_loop, (const float* a, const float* b, float* c, int n),
                          (a, b, c, n))

void BM_fp32_mul(benchmark::State& state) {
  const auto a = random_floats(elementwise_n, 1), b = random_floats(elementwise_n, 2);
  std::vector<float> c(elementwise_n);
  for (auto _ : state) {
    fp32_mul_loop(a.data(), b.data(), c.data(), elementwise_n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, elementwise_n);
}
void BM_fp32_add(benchmark::State& state) {
  const auto a = random_floats(elementwise_n, 1), b = random_floats(elementwise_n, 2);
  std::vector<float> c(elementwise_n);
  for (auto _ : state) {
    fp32_add_loop(a.data(), b.data(), c.data(), elementwise_n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, elementwise_n);
}

// float -> bf16 (round to nearest even) and back: the narrow-float encode/decode baseline.
inline __attribute__((always_inline)) void to_bf16_body(const float* x, std::uint16_t* o, int n) {
  for (int i = 0; i < n; ++i) {
    std::uint32_t u;
    std::memcpy(&u, &x[i], 4);
    o[i] = static_cast<std::uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
  }
}
inline __attribute__((always_inline)) void from_bf16_body(const std::uint16_t* c, float* o, int n) {
  for (int i = 0; i < n; ++i) {
    const std::uint32_t u = static_cast<std::uint32_t>(c[i]) << 16;
    std::memcpy(&o[i], &u, 4);
  }
}
BENCH_DEFINE_ISA_VARIANTS(to_bf16, (const float* x, std::uint16_t* o, int n), (x, o, n))
BENCH_DEFINE_ISA_VARIANTS(from_bf16, (const std::uint16_t* c, float* o, int n), (c, o, n))
void BM_fp32_encode(benchmark::State& state) {
  const auto x = random_floats(elementwise_n, 3);
  std::vector<std::uint16_t> c(elementwise_n);
  for (auto _ : state) {
    to_bf16(x.data(), c.data(), elementwise_n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, elementwise_n);
}
void BM_fp32_decode(benchmark::State& state) {
  std::vector<std::uint16_t> c(elementwise_n);
  for (int i = 0; i < elementwise_n; ++i)
    c[static_cast<std::size_t>(i)] = static_cast<std::uint16_t>(0x3F80 + i % 97);
  std::vector<float> x(elementwise_n);
  for (auto _ : state) {
    from_bf16(c.data(), x.data(), elementwise_n);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  set_items(state, elementwise_n);
}

// ---- LNS elementwise ---------------------------------------------------------------------------
template <typename T>
void BM_lns_mul(benchmark::State& state, const Format& f) {
  const auto a = random_codes<T>(f, elementwise_n, 1), b = random_codes<T>(f, elementwise_n, 2);
  std::vector<T> c(elementwise_n);
  for (auto _ : state) {
    mul<T>(f, a, b, c);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, elementwise_n);
}
template <typename T>
void BM_lns_add(benchmark::State& state, const Format& f) {
  const auto a = random_codes<T>(f, elementwise_n, 1), b = random_codes<T>(f, elementwise_n, 2);
  std::vector<T> c(elementwise_n);
  for (auto _ : state) {
    add<T>(f, a, b, c);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, elementwise_n);
}
template <typename T>
void BM_lns_encode(benchmark::State& state, const Format& f, std::size_t n = elementwise_n) {
  const auto x = random_floats(n, 3);
  std::vector<T> c(n);
  for (auto _ : state) {
    encode<T>(f, std::span<const float>(x), std::span<T>(c));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, static_cast<double>(n));
}
template <typename T>
void BM_lns_decode(benchmark::State& state, const Format& f) {
  const auto c = random_codes<T>(f, elementwise_n, 4);
  std::vector<float> x(elementwise_n);
  for (auto _ : state) {
    decode<T>(f, std::span<const T>(c), std::span<float>(x));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  set_items(state, elementwise_n);
}

// ---- add latency: dependent chains -------------------------------------------------------------
void BM_fp32_add_latency(benchmark::State& state) {
  const auto a = random_floats(elementwise_n, 5);
  for (auto _ : state) {
    float s = 0.0f;
    for (const float x : a) s += x;  // no -ffast-math: a strict dependent chain
    benchmark::DoNotOptimize(s);
  }
  set_items(state, elementwise_n);
}
void BM_lns8_add_latency(benchmark::State& state) {
  const auto a = random_codes<std::uint8_t>(lns8(), elementwise_n, 5);
  for (auto _ : state) benchmark::DoNotOptimize(sum<std::uint8_t>(lns8(), a));
  set_items(state, elementwise_n);
}

// ---- dot products ------------------------------------------------------------------------------
void BM_fp32_dot(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  const auto a = random_floats(static_cast<std::size_t>(n), 1),
             b = random_floats(static_cast<std::size_t>(n), 2);
  Eigen::Map<const Eigen::VectorXf> va(a.data(), n), vb(b.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(va.dot(vb));
  set_items(state, n);
}
void BM_lns_dot(benchmark::State& state, const Format& f, const char* datapath) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = random_codes<code_t>(f, n, 1), b = random_codes<code_t>(f, n, 2);
  const GemmPlan plan(f, f, parse_datapath(datapath), f);
  for (auto _ : state) benchmark::DoNotOptimize(plan.dot(a.data(), b.data(), n));
  set_items(state, static_cast<double>(n));
}

// ---- GEMM (square n x n x n; second argument: threads) -----------------------------------------
// Eigen's product as training runs it (nn's float GEMM, compiled per ISA and chosen at run time:
// the ISA --lnslab_isa allows, recorded as lnslab_float_isa).
void BM_fp32_gemm_eigen(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  const auto a = random_floats(static_cast<std::size_t>(n) * n, 1);
  const auto b = random_floats(static_cast<std::size_t>(n) * n, 2);
  using M = lnslab::nn::Matrix<float>;
  const Eigen::Map<const M> ma(a.data(), n, n), mb(b.data(), n, n);
  M c(n, n);
  auto& gemm = lnslab::nn::default_matmul<float>();
  for (auto _ : state) {
    gemm.gemm(lnslab::nn::GemmRole::forward, ma, false, mb, false, c);
    benchmark::DoNotOptimize(c.data());
  }
  set_items(state, static_cast<double>(n) * n * n);
}
BENCH_AVX2 void int8_gemm_avx2(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, int n) {
  for (int i = 0; i < n; ++i) {
    std::int32_t* crow = c + static_cast<std::ptrdiff_t>(i) * n;
    for (int j = 0; j < n; ++j) crow[j] = 0;
    for (int k = 0; k < n; ++k) {
      const std::int32_t x = a[static_cast<std::ptrdiff_t>(i) * n + k];
      const std::int8_t* brow = b + static_cast<std::ptrdiff_t>(k) * n;
      for (int j = 0; j < n; ++j) crow[j] += x * brow[j];
    }
  }
}
void BM_int8_gemm(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  Rng rng(9);
  std::vector<std::int8_t> a(static_cast<std::size_t>(n) * n), b(a.size());
  for (auto& x : a) x = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
  for (auto& x : b) x = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
  std::vector<std::int32_t> c(a.size());
  for (auto _ : state) {
    int8_gemm_avx2(a.data(), b.data(), c.data(), n);
    benchmark::DoNotOptimize(c.data());
  }
  set_items(state, static_cast<double>(n) * n * n);
}
void BM_lns_gemm(benchmark::State& state, const Format& f, const char* datapath) {
  const auto n = static_cast<int>(state.range(0));
  const auto threads = static_cast<int>(state.range(1));
  const auto a = random_codes<code_t>(f, static_cast<std::size_t>(n) * n, 1);
  const auto b = random_codes<code_t>(f, static_cast<std::size_t>(n) * n, 2);
  std::vector<double> c(a.size());
  const GemmPlan plan(f, f, parse_datapath(datapath), f);
  for (auto _ : state) {
    plan.run(CodeMatrix::row_major(a.data(), n, n), CodeMatrix::row_major(b.data(), n, n), c.data(),
             nullptr, threads);
    benchmark::DoNotOptimize(c.data());
  }
  set_items(state, static_cast<double>(n) * n * n);
}

void gemm_args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"n", "threads"});
  for (int n : {64, 256}) b->Args({n, 1});
  b->Args({256, 2});
}

}  // namespace

BENCHMARK(BM_fp32_mul)->Name("Mul/fp32");
BENCHMARK(BM_fp32_add)->Name("Add/fp32");
BENCHMARK(BM_fp32_encode)->Name("Encode/fp32-bf16");
BENCHMARK(BM_fp32_decode)->Name("Decode/fp32-bf16");
BENCHMARK(BM_fp32_add_latency)->Name("AddLatency/fp32");
BENCHMARK(BM_lns8_add_latency)->Name("AddLatency/lns8");
BENCHMARK(BM_fp32_dot)->Name("Dot/fp32")->Arg(4096);
BENCHMARK_CAPTURE(BM_lns_dot, lns8_linear, lns8(), "linear:F=16,W=32")
    ->Name("Dot/lns8-linear")
    ->Arg(4096);
BENCHMARK_CAPTURE(BM_lns_dot, lns8_bins, lns8g(), "bins:F=8,W=32")
    ->Name("Dot/lns8-bins")
    ->Arg(4096);
BENCHMARK(BM_fp32_gemm_eigen)->Name("Gemm/fp32-eigen")->Apply(gemm_args);
BENCHMARK(BM_int8_gemm)->Name("Gemm/int8")->Apply(gemm_args);
BENCHMARK_CAPTURE(BM_lns_gemm, lns8_linear, lns8(), "linear:F=16,W=32")
    ->Name("Gemm/lns8-linear")
    ->Apply(gemm_args)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_lns_gemm, lns8_bins, lns8g(), "bins:F=8,W=32")
    ->Name("Gemm/lns8-bins")
    ->Apply(gemm_args)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_lns_gemm, lns12_linear, lns12(), "linear:F=16,W=48")
    ->Name("Gemm/lns12-linear")
    ->Apply(gemm_args)
    ->UseRealTime();

// --lnslab_isa=best|avx2|portable (ours, taken out before Google Benchmark parses the rest):
// caps the LNS kernels' ISA, and the fp32 elementwise baselines follow.
bool take_isa_flag(int& argc, char** argv) {
  const std::string prefix = "--lnslab_isa=";
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind(prefix, 0) != 0) {
      argv[kept++] = argv[i];
      continue;
    }
    const std::string v = arg.substr(prefix.size());
    if (v == "best") {
      set_kernel_isa(KernelIsa::best);
    } else if (v == "avx2") {
      set_kernel_isa(KernelIsa::avx2);
    } else if (v == "portable") {
      set_kernel_isa(KernelIsa::portable);
    } else {
      std::fprintf(stderr,
                   "lnslab-bench: --lnslab_isa: expected best, avx2 or portable, got '%s'\n",
                   v.c_str());
      return false;
    }
  }
  argc = kept;
  return true;
}

int main(int argc, char** argv) {
  if (!take_isa_flag(argc, argv)) return 2;
  benchmark::AddCustomContext("lnslab_revision", LNSLAB_GIT_REVISION);
  benchmark::AddCustomContext("lnslab_cxx_flags", LNSLAB_CXX_FLAGS);
  benchmark::AddCustomContext("lnslab_kernel_isa", isa_name(baseline_isa()));
  benchmark::AddCustomContext("lnslab_float_isa", lnslab::nn::to_string(lnslab::nn::active_isa()));
  // Typed LNS elementwise families (registered here: BENCHMARK_CAPTURE takes no template-ids).
  benchmark::RegisterBenchmark("Mul/lns8",
                               [](benchmark::State& s) { BM_lns_mul<std::uint8_t>(s, lns8()); });
  benchmark::RegisterBenchmark("Mul/lns12",
                               [](benchmark::State& s) { BM_lns_mul<std::uint16_t>(s, lns12()); });
  benchmark::RegisterBenchmark("Add/lns8",
                               [](benchmark::State& s) { BM_lns_add<std::uint8_t>(s, lns8()); });
  benchmark::RegisterBenchmark("Add/lns12",
                               [](benchmark::State& s) { BM_lns_add<std::uint16_t>(s, lns12()); });
  benchmark::RegisterBenchmark("Encode/lns8",
                               [](benchmark::State& s) { BM_lns_encode<std::uint8_t>(s, lns8()); });
  benchmark::RegisterBenchmark(
      "Encode/lns12", [](benchmark::State& s) { BM_lns_encode<std::uint16_t>(s, lns12()); });
  // 10^7 values (out of cache): the C++ side of the Python encode comparison (docs/benchmarks.md).
  for (const bool wide : {false, true}) {
    benchmark::RegisterBenchmark(wide ? "Encode/lns12/n:10000000" : "Encode/lns8/n:10000000",
                                 [wide](benchmark::State& s) {
                                   if (wide)
                                     BM_lns_encode<std::uint16_t>(s, lns12(), 10000000);
                                   else
                                     BM_lns_encode<std::uint8_t>(s, lns8(), 10000000);
                                 })
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("Decode/lns8",
                               [](benchmark::State& s) { BM_lns_decode<std::uint8_t>(s, lns8()); });
  benchmark::RegisterBenchmark(
      "Decode/lns12", [](benchmark::State& s) { BM_lns_decode<std::uint16_t>(s, lns12()); });
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
