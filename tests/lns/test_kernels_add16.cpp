// The u16 adder reads T+[d] and |T-[d]| from different structures depending on the format and the
// ISA (bit planes in registers, table reads, gathers, the portable loop). Here every d of every
// table is reached: pairs with |ka - kb| = d at both ends of the range, all sign combinations,
// for add and sub, both roundings and underflow rules, every ISA, against Format::add / sub.
#include <vector>

#include <catch2/catch.hpp>

#include "lnslab/lns/kernels/elementwise.hpp"
#include "lnslab/lns/kernels/isa.hpp"

#include "isa_cases.hpp"

using namespace lnslab::lns;

TEST_CASE("u16 add and sub equal the scalar rule at every exponent difference",
          "[kernels][elementwise]") {
  for (const char* spec :
       {"lns12:eta0=0.001", "lns12:gamma=8", "lns12:gamma=64", "lns11:eta0=0.002",
        "lns9:eta0=0.008", "lns10:eta0=0.004,bias=-200", "lns12:eta0=0.01", "lns13:eta0=0.0005"}) {
    const Format f = Format::parse(spec);
    const std::uint32_t k = static_cast<std::uint32_t>(f.kmax()), s = k + 1;
    std::vector<std::uint16_t> a, b;
    for (std::uint32_t d = 0; d < k; ++d)
      for (std::uint32_t signs = 0; signs < 4; ++signs) {
        const std::uint32_t sa = (signs & 1) != 0 ? s : 0, sb = (signs & 2) != 0 ? s : 0;
        a.push_back(static_cast<std::uint16_t>(k | sa));  // top of the range
        b.push_back(static_cast<std::uint16_t>((k - d) | sb));
        a.push_back(static_cast<std::uint16_t>((1 + d) | sa));  // bottom of the range
        b.push_back(static_cast<std::uint16_t>(1 | sb));
      }
    std::vector<std::uint16_t> out(a.size());
    for (const Policy pol : {Policy{Rounding::nearest, Underflow::flush},
                             Policy{Rounding::toward_zero, Underflow::flush},
                             Policy{Rounding::nearest, Underflow::clamp},
                             Policy{Rounding::toward_zero, Underflow::clamp}})
      test::for_each_kernel_isa([&](const char* isa) {
        INFO(spec << " rounding " << to_string(pol.rounding) << " underflow "
                  << to_string(pol.underflow) << " isa " << isa);
        std::size_t bad_add = 0, bad_sub = 0;
        add<std::uint16_t>(f, a, b, out, pol);
        for (std::size_t i = 0; i < a.size(); ++i) bad_add += out[i] != f.add(a[i], b[i], pol);
        sub<std::uint16_t>(f, a, b, out, pol);
        for (std::size_t i = 0; i < a.size(); ++i) bad_sub += out[i] != f.sub(a[i], b[i], pol);
        CHECK(bad_add == 0);
        CHECK(bad_sub == 0);
      });
    set_kernel_isa(KernelIsa::best);
  }
}
