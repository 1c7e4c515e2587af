#include "lnslab/nn/text_corpus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <iterator>
#include <system_error>

#include "lnslab/nn/errors.hpp"

namespace lnslab::nn {

namespace {

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw DataError(fmt::format("{}: cannot open (expected a readable text file)", path.string()));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw DataError(fmt::format("{}: read error", path.string()));
  return text;
}

void add_document(std::vector<std::string>& docs, std::string doc) {
  if (doc.find_first_not_of(" \t\r\n") == std::string::npos) return;
  if (doc.back() != '\n') doc.push_back('\n');
  docs.push_back(std::move(doc));
}

}  // namespace

std::vector<std::string> split_documents(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, stop - start));
    start = stop;
  }
  auto stripped = [](std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    return line;
  };
  const bool fortune = std::any_of(lines.begin(), lines.end(),
                                   [&](std::string_view l) { return stripped(l) == "%"; });
  std::vector<std::string> docs;
  std::string doc;
  for (std::string_view line : lines) {
    const std::string_view s = stripped(line);
    const bool cut = fortune ? s == "%" : s.find_first_not_of(" \t") == std::string_view::npos;
    if (cut) {
      add_document(docs, std::move(doc));
      doc.clear();
    } else {
      doc += line;
    }
  }
  add_document(docs, std::move(doc));
  return docs;
}

TextCorpus make_text_corpus(const std::vector<std::string>& documents, std::string name) {
  TextCorpus c;
  c.name = std::move(name);
  for (std::size_t i = 0; i < documents.size(); ++i) {
    const bool validation = i % 10 == 9;
    auto& part = validation ? c.validation : c.train;
    part.insert(part.end(), documents[i].begin(), documents[i].end());
    ++(validation ? c.validation_documents : c.train_documents);
  }
  return c;
}

TextCorpus load_text_corpus(const std::filesystem::path& path) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
      const std::string name = entry.path().filename().string();
      if (ends_with(name, ".dat") || ends_with(name, ".u8")) continue;
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    if (ec)
      throw DataError(
          fmt::format("{}: cannot list the directory ({})", path.string(), ec.message()));
    std::sort(files.begin(), files.end());
    if (files.empty())
      throw DataError(fmt::format(
          "{}: no text files in the directory (expected plain-text files; *.dat and *.u8 are "
          "skipped)",
          path.string()));
  } else if (std::filesystem::is_regular_file(path, ec)) {
    files.push_back(path);
  } else {
    throw DataError(fmt::format(
        "{}: no such file or directory (expected a plain-text file or a directory of them; the "
        "default corpus is the Debian package fortunes, scripts/install-deps.sh installs it)",
        path.string()));
  }
  std::vector<std::string> docs;
  for (const auto& f : files)
    for (std::string& d : split_documents(read_text(f))) docs.push_back(std::move(d));
  TextCorpus c = make_text_corpus(docs, path.string());
  c.files = files.size();
  if (c.train.empty())
    throw DataError(fmt::format("{}: the corpus is empty (expected text)", path.string()));
  if (c.validation.empty())
    throw DataError(fmt::format(
        "{}: {} documents, too few for a validation part (every tenth document; expected at least "
        "10 documents: fortunes cut at '%' lines, or paragraphs cut at blank lines)",
        path.string(), docs.size()));
  return c;
}

void random_windows(const std::vector<std::uint8_t>& text, int context, std::size_t count,
                    lns::Rng& rng, Matrix<float>& x, std::vector<int>& targets) {
  const auto n = static_cast<std::size_t>(context);
  if (text.size() <= n)
    throw DataError(fmt::format("random_windows: text of {} characters for a context of {}",
                                text.size(), context));
  x.resize(static_cast<Eigen::Index>(count), context);
  targets.resize(count * n);
  const std::uint64_t starts = text.size() - n;  // start + n is the last target
  for (std::size_t w = 0; w < count; ++w) {
    const auto start = static_cast<std::size_t>(rng.below(starts));
    for (std::size_t t = 0; t < n; ++t) {
      x(static_cast<Eigen::Index>(w), static_cast<Eigen::Index>(t)) = text[start + t];
      targets[w * n + t] = text[start + t + 1];
    }
  }
}

std::size_t tiled_window_count(const std::vector<std::uint8_t>& text, int context) {
  return text.empty() ? 0 : (text.size() - 1) / static_cast<std::size_t>(context);
}

void tiled_windows(const std::vector<std::uint8_t>& text, int context, std::size_t first,
                   std::size_t count, Matrix<float>& x, std::vector<int>& targets) {
  const auto n = static_cast<std::size_t>(context);
  if (first + count > tiled_window_count(text, context))
    throw DataError("tiled_windows: windows beyond the text");
  x.resize(static_cast<Eigen::Index>(count), context);
  targets.resize(count * n);
  for (std::size_t w = 0; w < count; ++w) {
    const std::size_t start = (first + w) * n;
    for (std::size_t t = 0; t < n; ++t) {
      x(static_cast<Eigen::Index>(w), static_cast<Eigen::Index>(t)) = text[start + t];
      targets[w * n + t] = text[start + t + 1];
    }
  }
}

double unigram_cross_entropy(const std::vector<std::uint8_t>& fit,
                             const std::vector<std::uint8_t>& text) {
  std::array<double, byte_vocabulary> count{};
  count.fill(1.0);
  for (std::uint8_t c : fit) count[c] += 1.0;
  const double total = static_cast<double>(fit.size()) + byte_vocabulary;
  double nats = 0.0;
  for (std::uint8_t c : text) nats -= std::log(count[c] / total);
  return text.empty() ? 0.0 : nats / static_cast<double>(text.size());
}

}  // namespace lnslab::nn
