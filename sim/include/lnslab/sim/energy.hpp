#pragma once
// Energy tables (configs/energy/*.toml): energy per primitive action, each entry with its unit,
// technology node, voltage, bit width and source. Energy = sum of action counts x entries.
//
// Width scaling (docs/simulator.md §Energy): entries of one action at several widths are
// interpolated between neighbouring widths, linearly in the width for `linear` actions (adders,
// gates, register/table/SRAM/DRAM bits) and linearly in width^2 for `quadratic` actions
// (multipliers); outside the listed widths the nearest entry is scaled by w/w0 (linear) or
// (w/w0)^2 (quadratic). SRAM entries are per access of `bits` bits at a capacity; a capacity in
// between is interpolated linearly in log2(capacity), below the smallest listed capacity the
// smallest entry is used, above the largest the last segment is extrapolated.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace lnslab::sim {

/// Primitive actions an energy table prices.
enum class Primitive {
  int_add,       ///< integer add/subtract/compare, per op at a width
  int_mult,      ///< integer multiply, per op at a width (asymmetric: width sqrt(a*b))
  fp_add,        ///< floating-point add, per op at a width
  fp_mult,       ///< floating-point multiply, per op at a width
  logic_gate,    ///< one 2-input gate (xor, and; decoder and one-hot outputs), per gate
  register_bit,  ///< pipeline register (flip-flop) write, per bit
  lut_read,      ///< small table (register-file class) read, per access of a width
  sram_access,   ///< SRAM read or write, per access of a width, at a capacity
  dram_access,   ///< DRAM read or write, per access of a width
};
inline constexpr int primitive_count = 9;

std::string_view to_string(Primitive p);
/// Parses the names above; returns false on anything else.
bool parse_primitive(std::string_view text, Primitive& out);

struct EnergyEntry {
  Primitive action = Primitive::int_add;
  double bits = 0;          ///< width of the priced operation or access
  double capacity_kib = 0;  ///< SRAM only
  double energy_pj = 0;     ///< energy of one operation/access of `bits` bits, in pJ
  std::string unit;         ///< as written in the table ("pJ/op", "pJ/access", "pJ/bit")
  double node_nm = 0;
  double voltage_v = 0;
  bool quadratic = false;  ///< width scaling: quadratic (multipliers) or linear
  std::string source;
  std::string note;
};

class EnergyTable {
 public:
  EnergyTable() = default;
  /// Reads and validates a TOML table; throws ConfigError naming file, line and field.
  static EnergyTable load(const std::filesystem::path& path);
  /// Same from text; `origin` names the input in messages.
  static EnergyTable parse(std::string_view text, const std::string& origin);

  /// Energy in pJ of one `action` of width `bits` (memories: one access of `bits` bits; SRAM at
  /// `capacity_kib`). Throws ConfigError if the table has no entry for the action.
  double energy_pj(Primitive action, double bits, double capacity_kib = 0) const;
  bool has(Primitive action) const;

  const std::string& name() const { return name_; }
  const std::string& origin() const { return origin_; }
  const std::vector<EnergyEntry>& entries() const { return entries_; }
  /// Replaces/adds an entry (tests and what-if studies).
  void set(const EnergyEntry& e);

 private:
  std::string name_;
  std::string origin_;
  std::vector<EnergyEntry> entries_;
};

}  // namespace lnslab::sim
