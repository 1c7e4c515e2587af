#pragma once
// Kernel tests run each case under every kernel ISA setting and record which ISA was active; the
// case fails when the CPU offers an ISA (as the library detects it) whose kernels did not run, so
// a dispatch that silently falls back (or a test that skips a setting) cannot stay green.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "lnslab/lns/kernels/isa.hpp"

namespace lnslab::lns::test {

/// The ISA the fast kernels use now: "avx512", "avx2" or "portable".
inline const char* active_kernel_isa() {
  return kernel_avx512_active() ? "avx512" : kernel_avx2_active() ? "avx2" : "portable";
}

/// The ISA a setting must select on this CPU: the best offered at most the setting's level.
inline std::string expected_kernel_isa(KernelIsa setting) {
  if (setting == KernelIsa::best && cpu_has_avx512_kernels()) return "avx512";
  if (setting != KernelIsa::portable && cpu_has_avx2_kernels()) return "avx2";
  return "portable";
}

/// Runs body(isa name) under KernelIsa::best, avx2 and portable, checking that each selects the
/// ISA it must, then restores best and checks that every ISA the CPU offers ran.
template <typename Body>
void for_each_kernel_isa(Body&& body) {
  std::set<std::string> ran;
  for (const KernelIsa setting : {KernelIsa::best, KernelIsa::avx2, KernelIsa::portable}) {
    set_kernel_isa(setting);
    const char* isa = active_kernel_isa();
    CHECK(isa == expected_kernel_isa(setting));
    ran.insert(isa);
    body(isa);
  }
  set_kernel_isa(KernelIsa::best);
  std::set<std::string> offered = {"portable"};
  if (cpu_has_avx2_kernels()) offered.insert("avx2");
  if (cpu_has_avx512_kernels()) offered.insert("avx512");
  for (const std::string& isa : offered) {
    INFO("the CPU offers " << isa << " but its kernels did not run");
    CHECK(ran.count(isa) == 1);
  }
}

}  // namespace lnslab::lns::test
