// IDX reader: valid files (plain and gzip) and every way a file can be wrong.
#include <zlib.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/errors.hpp"

using namespace lnslab;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    path =
        fs::temp_directory_path() /
        ("lnslab-nn-idx-" + std::to_string(reinterpret_cast<std::uintptr_t>(this)) + "-" +
         std::to_string(std::hash<std::string>{}(Catch::getResultCapture().getCurrentTestName())));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

std::string images(std::uint32_t n, std::uint32_t rows, std::uint32_t cols,
                   std::uint32_t magic = 0x803) {
  std::string s = be32(magic) + be32(n) + be32(rows) + be32(cols);
  for (std::uint32_t i = 0; i < n * rows * cols; ++i) s += static_cast<char>(i % 256);
  return s;
}

std::string labels(std::uint32_t n, unsigned char value = 3) {
  std::string s = be32(0x801) + be32(n);
  for (std::uint32_t i = 0; i < n; ++i) s += static_cast<char>((value + i) % 10);
  return s;
}

void write(const fs::path& p, const std::string& data) {
  std::ofstream(p, std::ios::binary) << data;
}

void write_gz(const fs::path& p, const std::string& data) {
  gzFile f = gzopen(p.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, data.data(), static_cast<unsigned>(data.size())) ==
          static_cast<int>(data.size()));
  gzclose(f);
}

std::string error_of(const fs::path& img, const fs::path& lab) {
  try {
    nn::load_idx(img, lab);
  } catch (const nn::DataError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("IDX: plain and gzip files load with pixels scaled to [0, 1]", "[idx]") {
  TempDir d;
  write(d.path / "train-images-idx3-ubyte", images(3, 2, 4));
  write_gz(d.path / "train-labels-idx1-ubyte.gz", labels(3));
  const nn::Dataset ds = nn::load_idx_split(d.path, "train");
  CHECK(ds.size() == 3);
  CHECK(ds.shape == nn::Shape{1, 2, 4});
  CHECK(ds.labels == std::vector<int>{3, 4, 5});
  CHECK(ds.images[9] == Approx(9.0f / 255.0f));
  CHECK(ds.image(2)[7] == Approx(23.0f / 255.0f));
}

TEST_CASE("IDX: malformed files give clear errors", "[idx]") {
  TempDir d;
  const fs::path img = d.path / "img", lab = d.path / "lab";
  write(lab, labels(3));

  write(img, images(3, 2, 4, 0x801));
  CHECK_THAT(error_of(img, lab), Catch::Contains("wrong magic number 0x00000801") &&
                                     Catch::Contains("expected 0x00000803"));

  std::string truncated = images(3, 2, 4);
  truncated.resize(truncated.size() - 5);
  write(img, truncated);
  CHECK_THAT(error_of(img, lab), Catch::Contains("truncated") && Catch::Contains("24 data bytes"));

  write(img, images(3, 2, 4) + "xy");
  CHECK_THAT(error_of(img, lab), Catch::Contains("2 unexpected trailing bytes"));

  write(img, images(3, 2, 4).substr(0, 10));
  CHECK_THAT(error_of(img, lab), Catch::Contains("truncated header"));

  write(img, images(4, 2, 4));
  CHECK_THAT(error_of(img, lab), Catch::Contains("4 images") && Catch::Contains("3 labels"));

  write(img, be32(0x803) + be32(3) + be32(0) + be32(4));
  CHECK_THAT(error_of(img, lab), Catch::Contains("dimension 1 is 0"));

  write(img, images(3, 2, 4));
  write(lab, be32(0x801) + be32(3) + std::string{8, 9, 10});
  CHECK_THAT(error_of(img, lab), Catch::Contains("label 10 of sample 2"));

  write(lab, be32(0x803) + be32(3));
  CHECK_THAT(error_of(img, lab), Catch::Contains("wrong magic"));

  CHECK_THAT(error_of(d.path / "missing", lab), Catch::Contains("no such data file"));
  CHECK_THROWS_AS(nn::load_idx_split(d.path, "t10k"), nn::DataError);
}

TEST_CASE("IDX: a truncated gzip stream is an error, not a short file", "[idx]") {
  TempDir d;
  const fs::path img = d.path / "img.gz", lab = d.path / "lab";
  write(lab, labels(50));
  write_gz(img, images(50, 8, 8));
  std::string bytes;
  {
    std::ifstream in(img, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  write(img, bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_AS(nn::load_idx(img, lab), nn::DataError);
}

TEST_CASE("datasets: head, synthetic, validation split and shuffling", "[data]") {
  const nn::Dataset a = nn::make_synthetic(100, nn::Shape{1, 4, 4}, 5, 1, 2);
  const nn::Dataset b = nn::make_synthetic(100, nn::Shape{1, 4, 4}, 5, 1, 2);
  CHECK(a.images == b.images);
  CHECK(a.labels == b.labels);
  CHECK(a.head(10).size() == 10);
  nn::Dataset train = a;
  const nn::Dataset val = nn::split_validation(train, 0.2, 7);
  CHECK(val.size() == 20);
  CHECK(train.size() == 80);
  lns::Rng rng(3);
  auto order = nn::shuffled_order(50, rng);
  std::vector<bool> seen(50, false);
  for (auto i : order) seen[i] = true;
  CHECK(std::all_of(seen.begin(), seen.end(), [](bool s) { return s; }));
  lns::Rng rng2(3);
  CHECK(nn::shuffled_order(50, rng2) == order);
  lns::Rng rng3(4);
  CHECK(nn::shuffled_order(50, rng3) != order);
}
