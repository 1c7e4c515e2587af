// `lnslab bound` as a user runs it: the JSON is parseable, has the fields, and carries
// every number the command prints; bad input exits with code 2 and names the input.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

#ifdef LNSLAB_BIN
namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("lnslab_bound_" + std::to_string(getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

Run run(const TempDir& dir, const std::string& args) {
  const fs::path out = dir.path() / "stdout", err = dir.path() / "stderr";
  const std::string cmd = std::string("'") + LNSLAB_BIN + "' bound " + args + " >'" + out.string() +
                          "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

void collect_numbers(const nlohmann::json& j, std::vector<double>& out,
                     std::vector<std::string>& integers) {
  if (j.is_number_unsigned()) integers.push_back(std::to_string(j.get<std::uint64_t>()));
  if (j.is_number_integer()) integers.push_back(std::to_string(j.get<std::int64_t>()));
  if (j.is_number()) {
    out.push_back(j.get<double>());
  } else if (j.is_structured()) {
    for (const auto& v : j) collect_numbers(v, out, integers);
  }
}

/// Whether `token` is how the command would print one of the numbers (same digits after the
/// point, fixed or exponent form).
bool printed_from(const std::string& token, const std::vector<double>& numbers) {
  const auto point = token.find('.');
  const auto exp = token.find_first_of("eE");
  int decimals = 0;
  if (point != std::string::npos)
    decimals = static_cast<int>((exp == std::string::npos ? token.size() : exp) - point - 1);
  for (double v : numbers) {
    char buf[64];
    std::snprintf(buf, sizeof buf, exp == std::string::npos ? "%.*f" : "%.*e", decimals, v);
    std::string s(buf);
    if (s == token || (s == "-" + token) || ("-" + s == token && std::stod(token) == 0.0))
      return true;
  }
  return false;
}

bool is_number(const std::string& t) {
  if (t.empty()) return false;
  char* end = nullptr;
  std::strtod(t.c_str(), &end);
  return end == t.c_str() + t.size() &&
         (std::isdigit(static_cast<unsigned char>(t[0])) || t[0] == '-' || t[0] == '.');
}

}  // namespace

TEST_CASE("lnslab bound --json carries every printed number", "[bound][cli]") {
  TempDir dir;
  const fs::path json = dir.path() / "bound.json";
  const Run r = run(dir,
                    "--data synthetic --batches 2 --batch-size 32 --verify --verify-batches 3 "
                    "--trust --trust-batches 2 --perturbations 2 --t-steps 2 --radii 0.01,0.3 "
                    "--widths 16 --json '" +
                        json.string() + "'");
  INFO(r.out << r.err);
  REQUIRE(r.code == 0);
  const nlohmann::json j = nlohmann::json::parse(slurp(json));
  REQUIRE(j.contains("eta_bound"));
  REQUIRE(j["layers"].is_array());
  REQUIRE(j["layers"].size() == 2);
  CHECK(j["depth"] == 2);
  double lowest = 1e300;
  for (const auto& l : j["layers"]) {
    for (const char* key : {"name", "gamma_deg", "cos_gamma", "w_norm", "g_norm", "eta_bound"})
      CHECK(l.contains(key));
    const double c = l["cos_gamma"].get<double>();
    CHECK(l["eta_bound"].get<double>() == Approx(std::sqrt(1.0 + c) - 1.0));
    lowest = std::min(lowest, l["eta_bound"].get<double>());
  }
  CHECK(j["eta_bound"].get<double>() == lowest);
  REQUIRE(j.contains("verify"));
  CHECK(j["verify"]["rows"].size() == 6);
  REQUIRE(j.contains("trust"));
  CHECK(j["trust"]["rows"].size() == 2);
  CHECK(j["trust"]["lemma"]["held"] == j["trust"]["lemma"]["batches"]);

  std::vector<double> numbers;
  std::vector<std::string> integers;  // exact (seeds do not fit a double)
  collect_numbers(j, numbers, integers);
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);  // provenance: revision, compiler
  int tokens = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("wrote ", 0) == 0) continue;
    for (char& ch : line)
      if (ch == '/' || ch == '(' || ch == ')' || ch == ',' || ch == ';' || ch == '=') ch = ' ';
    std::istringstream words(line);
    std::string w;
    while (words >> w) {
      if (!is_number(w)) continue;
      ++tokens;
      INFO("printed number " << w << " in line: " << line);
      CHECK((printed_from(w, numbers) ||
             std::find(integers.begin(), integers.end(), w) != integers.end()));
    }
  }
  CHECK(tokens > 100);
}

TEST_CASE("lnslab bound --isa sets the ISA of its products, recorded in the JSON", "[bound][cli]") {
  TempDir dir;
  const fs::path json = dir.path() / "bound.json";
  const std::string args =
      "--data synthetic --batches 1 --batch-size 16 --widths 8 --json '" + json.string() + "'";
  const Run portable = run(dir, args + " --isa portable");
  INFO(portable.err);
  REQUIRE(portable.code == 0);
  // Without --isa a model at initialisation runs at the best ISA (avx512 or avx2 on CI's CPUs).
  CHECK(nlohmann::json::parse(slurp(json))["provenance"]["isa"] == "portable");
}

TEST_CASE("lnslab bound rejects bad input with exit code 2", "[bound][cli]") {
  TempDir dir;
  struct Case {
    std::string args, pattern;
  };
  const std::vector<Case> cases{
      {"--data synthetic --model rnn", "--model"},
      {"--data " + (dir.path() / "nowhere").string(), "--data"},
      {"--data synthetic --batch-size 0", "--batch-size"},
      {"--data synthetic --batch-size 5000", "--batch-size"},
      {"--data synthetic --multiples 1,-2 --verify", "--multiples"},
      {"--data synthetic --isa sse9", "--isa sse9: expected avx512, avx2 or portable"},
      {"--checkpoint " + (dir.path() / "none.lnsck").string(), "--checkpoint"},
      {"--data synthetic --batches 1 --batch-size 8 --json " +
           (dir.path() / "missing" / "b.json").string(),
       "cannot write"},
  };
  for (const Case& c : cases) {
    const Run r = run(dir, c.args);
    INFO(c.args << "\n" << r.err);
    CHECK(r.code == 2);
    CHECK(r.err.find(c.pattern) != std::string::npos);
  }
  CHECK_FALSE(fs::exists(dir.path() / "missing" / "b.json"));
  // A corrupt checkpoint names the file.
  std::ofstream(dir.path() / "bad.lnsck") << "not a checkpoint";
  const Run bad = run(dir, "--checkpoint " + (dir.path() / "bad.lnsck").string());
  CHECK(bad.code == 2);
  CHECK(bad.err.find("bad.lnsck") != std::string::npos);
}
#else
TEST_CASE("lnslab bound CLI tests need the lnslab target", "[bound][cli]") {
  WARN("LNSLAB_BIN not defined: the lnslab executable is not part of this build");
}
#endif
