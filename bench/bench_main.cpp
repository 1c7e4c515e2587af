// lnslab-bench: LNS ops and kernels against fp32 (and int8) baselines in one binary.
// Family names are Op/type[/args]; scripts/bench.sh pairs each LNS family with the fp32 family of
// the same op and arguments. Every benchmark reports items_per_second (elements or MACs).
// fp32 elementwise baselines run at the same ISA as the LNS kernels (AVX-512, AVX2 or portable,
// as the CPU and --lnslab_isa allow); Gemm/fp32-eigen is Eigen's product as training runs it,
// compiled per ISA and chosen at run time under the same cap, at the same thread count as the
// LNS GEMM rows it is compared with. Every buffer (floats and codes) starts on a 64-byte
// boundary (AlignedVector), and each elementwise family runs at an L1-resident size and at a
// size far past the L2 cache (argument n).
#include <benchmark/benchmark.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "lnslab/lns/kernels/elementwise.hpp"
#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/lns/kernels/isa.hpp"
#include "lnslab/nn/isa.hpp"
#include "lnslab/nn/matmul.hpp"

namespace {

using namespace lnslab::lns;

// Elementwise sizes: 2048 elements keep three fp32 arrays (24 KiB) in a 32-48 KiB L1 data cache;
// 2^22 elements (16 MiB per fp32 array) are far past a few MiB of L2, so memory bounds both sides.
constexpr int elementwise_small = 2048;
constexpr int elementwise_large = 1 << 22;
// The size of the fixed-size rows (latency chain, dot products).
constexpr int elementwise_n = 4096;

// A std::vector whose data starts on a 64-byte boundary (a cache line and an AVX-512 vector), so
// that fp32 baselines and LNS kernels both read aligned data: std::vector<float>'s buffers are
// only 16-byte aligned, and three of them land at different offsets within a line.
constexpr std::size_t buffer_alignment = 64;
template <typename T>
struct AlignedAllocator {
  using value_type = T;
  AlignedAllocator() = default;
  template <typename U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{buffer_alignment}));
  }
  void deallocate(T* p, std::size_t) { ::operator delete (p, std::align_val_t{buffer_alignment}); }
  template <typename U>
  bool operator==(const AlignedAllocator<U>&) const {
    return true;
  }
};
template <typename T>
using AlignedVector = std::vector<T, AlignedAllocator<T>>;

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

AlignedVector<float> random_floats(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  AlignedVector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.normal());
  return v;
}

// Codes of normally distributed values (the realistic case: zeros rare, mid-range exponents).
template <typename T>
AlignedVector<T> random_codes(const Format& f, std::size_t n, std::uint64_t seed) {
  const auto x = random_floats(n, seed);
  AlignedVector<T> c(n);
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

// The elementwise families take n (state.range(0)) and run on AlignedVector buffers.
int elements(const benchmark::State& state) {
  return static_cast<int>(state.range(0));
}
std::size_t elements_size(const benchmark::State& state) {
  return static_cast<std::size_t>(state.range(0));
}

void BM_fp32_mul(benchmark::State& state) {
  const int n = elements(state);
  const auto a = random_floats(elements_size(state), 1), b = random_floats(elements_size(state), 2);
  AlignedVector<float> c(elements_size(state));
  for (auto _ : state) {
    fp32_mul_loop(a.data(), b.data(), c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, n);
}
void BM_fp32_add(benchmark::State& state) {
  const int n = elements(state);
  const auto a = random_floats(elements_size(state), 1), b = random_floats(elements_size(state), 2);
  AlignedVector<float> c(elements_size(state));
  for (auto _ : state) {
    fp32_add_loop(a.data(), b.data(), c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, n);
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
  const int n = elements(state);
  const auto x = random_floats(elements_size(state), 3);
  AlignedVector<std::uint16_t> c(elements_size(state));
  for (auto _ : state) {
    to_bf16(x.data(), c.data(), n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, n);
}
void BM_fp32_decode(benchmark::State& state) {
  const int n = elements(state);
  AlignedVector<std::uint16_t> c(elements_size(state));
  for (int i = 0; i < n; ++i)
    c[static_cast<std::size_t>(i)] = static_cast<std::uint16_t>(0x3F80 + i % 97);
  AlignedVector<float> x(elements_size(state));
  for (auto _ : state) {
    from_bf16(c.data(), x.data(), n);
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  set_items(state, n);
}

// ---- LNS elementwise ---------------------------------------------------------------------------
template <typename T>
void BM_lns_mul(benchmark::State& state, const Format& f) {
  const std::size_t n = elements_size(state);
  const auto a = random_codes<T>(f, n, 1), b = random_codes<T>(f, n, 2);
  AlignedVector<T> c(n);
  for (auto _ : state) {
    mul<T>(f, std::span<const T>(a), std::span<const T>(b), std::span<T>(c));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, static_cast<double>(n));
}
template <typename T>
void BM_lns_add(benchmark::State& state, const Format& f) {
  const std::size_t n = elements_size(state);
  const auto a = random_codes<T>(f, n, 1), b = random_codes<T>(f, n, 2);
  AlignedVector<T> c(n);
  for (auto _ : state) {
    add<T>(f, std::span<const T>(a), std::span<const T>(b), std::span<T>(c));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, static_cast<double>(n));
}
template <typename T>
void BM_lns_encode(benchmark::State& state, const Format& f) {
  const std::size_t n = elements_size(state);
  const auto x = random_floats(n, 3);
  AlignedVector<T> c(n);
  for (auto _ : state) {
    encode<T>(f, std::span<const float>(x), std::span<T>(c));
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  set_items(state, static_cast<double>(n));
}
template <typename T>
void BM_lns_decode(benchmark::State& state, const Format& f) {
  const std::size_t n = elements_size(state);
  const auto c = random_codes<T>(f, n, 4);
  AlignedVector<float> x(n);
  for (auto _ : state) {
    decode<T>(f, std::span<const T>(c), std::span<float>(x));
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  set_items(state, static_cast<double>(n));
}

// The two sizes of every elementwise family (fp32 and LNS alike, so bench.sh pairs them).
void elementwise_args(benchmark::internal::Benchmark* b) {
  b->ArgName("n");
  b->Arg(elementwise_small);
  b->Arg(elementwise_large);
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
// Every GEMM row splits its outputs into `threads` contiguous parts, one std::thread each (part 0
// on the calling thread), started per product as the LNS GEMM does (lns/src/kernels), so rows of
// equal threads compare equal parallel work. Timed in wall-clock time (UseRealTime).
template <typename Body>
void run_parts(int items, int threads, Body body) {
  const int parts = std::max(1, std::min(threads, items));
  auto begin_of = [&](int t) {
    return static_cast<int>(static_cast<long long>(items) * t / parts);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < parts; ++t) pool.emplace_back(body, begin_of(t), begin_of(t + 1));
  body(0, begin_of(1));
  for (auto& th : pool) th.join();
}

// Eigen's product as training runs it (nn's float GEMM, compiled per ISA and chosen at run time:
// the ISA --lnslab_isa allows, recorded as lnslab_float_isa), each thread computing a block of
// the column-major result's columns with the single-threaded product.
void BM_fp32_gemm_eigen(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  const auto threads = static_cast<int>(state.range(1));
  const auto a = random_floats(static_cast<std::size_t>(n) * n, 1);
  const auto b = random_floats(static_cast<std::size_t>(n) * n, 2);
  using M = lnslab::nn::Matrix<float>;
  const Eigen::Map<const M> ma(a.data(), n, n), mb(b.data(), n, n);
  M c(n, n);
  auto& gemm = lnslab::nn::default_matmul<float>();
  for (auto _ : state) {
    run_parts(n, threads, [&](int j0, int j1) {
      gemm.gemm(lnslab::nn::GemmRole::forward, ma, false, mb.middleCols(j0, j1 - j0), false,
                c.middleCols(j0, j1 - j0));
    });
    benchmark::DoNotOptimize(c.data());
  }
  set_items(state, static_cast<double>(n) * n * n);
}
// Rows [i0, i1) of the row-major int32 result of two row-major int8 matrices.
BENCH_AVX2 void int8_gemm_avx2(const std::int8_t* a, const std::int8_t* b, std::int32_t* c, int n,
                               int i0, int i1) {
  for (int i = i0; i < i1; ++i) {
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
  const auto threads = static_cast<int>(state.range(1));
  Rng rng(9);
  AlignedVector<std::int8_t> a(static_cast<std::size_t>(n) * n), b(a.size());
  for (auto& x : a) x = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
  for (auto& x : b) x = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
  AlignedVector<std::int32_t> c(a.size());
  for (auto _ : state) {
    run_parts(n, threads,
              [&](int i0, int i1) { int8_gemm_avx2(a.data(), b.data(), c.data(), n, i0, i1); });
    benchmark::DoNotOptimize(c.data());
  }
  set_items(state, static_cast<double>(n) * n * n);
}
void BM_lns_gemm(benchmark::State& state, const Format& f, const char* datapath) {
  const auto n = static_cast<int>(state.range(0));
  const auto threads = static_cast<int>(state.range(1));
  const auto a = random_codes<code_t>(f, static_cast<std::size_t>(n) * n, 1);
  const auto b = random_codes<code_t>(f, static_cast<std::size_t>(n) * n, 2);
  AlignedVector<double> c(a.size());
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

BENCHMARK(BM_fp32_mul)->Name("Mul/fp32")->Apply(elementwise_args);
BENCHMARK(BM_fp32_add)->Name("Add/fp32")->Apply(elementwise_args);
BENCHMARK(BM_fp32_encode)->Name("Encode/fp32-bf16")->Apply(elementwise_args);
BENCHMARK(BM_fp32_decode)->Name("Decode/fp32-bf16")->Apply(elementwise_args);
BENCHMARK(BM_fp32_add_latency)->Name("AddLatency/fp32");
BENCHMARK(BM_lns8_add_latency)->Name("AddLatency/lns8");
BENCHMARK(BM_fp32_dot)->Name("Dot/fp32")->Arg(4096);
BENCHMARK_CAPTURE(BM_lns_dot, lns8_linear, lns8(), "linear:F=16,W=32")
    ->Name("Dot/lns8-linear")
    ->Arg(4096);
BENCHMARK_CAPTURE(BM_lns_dot, lns8_bins, lns8g(), "bins:F=8,W=32")
    ->Name("Dot/lns8-bins")
    ->Arg(4096);
BENCHMARK(BM_fp32_gemm_eigen)->Name("Gemm/fp32-eigen")->Apply(gemm_args)->UseRealTime();
BENCHMARK(BM_int8_gemm)->Name("Gemm/int8")->Apply(gemm_args)->UseRealTime();
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
  benchmark::RegisterBenchmark("Mul/lns8", [](benchmark::State& s) {
    BM_lns_mul<std::uint8_t>(s, lns8());
  })->Apply(elementwise_args);
  benchmark::RegisterBenchmark("Mul/lns12", [](benchmark::State& s) {
    BM_lns_mul<std::uint16_t>(s, lns12());
  })->Apply(elementwise_args);
  benchmark::RegisterBenchmark("Add/lns8", [](benchmark::State& s) {
    BM_lns_add<std::uint8_t>(s, lns8());
  })->Apply(elementwise_args);
  benchmark::RegisterBenchmark("Add/lns12", [](benchmark::State& s) {
    BM_lns_add<std::uint16_t>(s, lns12());
  })->Apply(elementwise_args);
  benchmark::RegisterBenchmark("Encode/lns8", [](benchmark::State& s) {
    BM_lns_encode<std::uint8_t>(s, lns8());
  })->Apply(elementwise_args);
  benchmark::RegisterBenchmark("Encode/lns12", [](benchmark::State& s) {
    BM_lns_encode<std::uint16_t>(s, lns12());
  })->Apply(elementwise_args);
  // 10^7 values: the C++ side of the Python encode comparison (docs/benchmarks.md).
  benchmark::RegisterBenchmark("Encode/lns8",
                               [](benchmark::State& s) { BM_lns_encode<std::uint8_t>(s, lns8()); })
      ->ArgName("n")
      ->Arg(10000000)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark(
      "Encode/lns12", [](benchmark::State& s) { BM_lns_encode<std::uint16_t>(s, lns12()); })
      ->ArgName("n")
      ->Arg(10000000)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("Decode/lns8", [](benchmark::State& s) {
    BM_lns_decode<std::uint8_t>(s, lns8());
  })->Apply(elementwise_args);
  benchmark::RegisterBenchmark("Decode/lns12", [](benchmark::State& s) {
    BM_lns_decode<std::uint16_t>(s, lns12());
  })->Apply(elementwise_args);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
