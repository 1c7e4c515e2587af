#pragma once
// Character-level text for the transformer: a corpus read from a plain-text file or a directory,
// split into training and validation text by document, and the windows training and evaluation
// read from it.
//
// Vocabulary: the 256 byte values (fixed, whatever the corpus; text is read as bytes).
// Documents: a file is cut at every line that holds only `%` (the fortune-file separator); a file
//   without such a line is cut at blank lines (paragraphs). Each document keeps its text and ends
//   with one '\n'; empty documents are dropped.
// Directory: its regular files (not recursive) in name order, skipping the fortune index files
//   `*.dat` and the `*.u8` links of the Debian package `fortunes`.
// Split: documents are numbered in order over the whole corpus; every tenth (number % 10 == 9)
//   goes to validation, the rest to training, each part the concatenation of its documents.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn {

/// The default corpus (the Debian package fortunes).
inline constexpr const char* default_text_dir = "/usr/share/games/fortunes";
inline constexpr int byte_vocabulary = 256;

struct TextCorpus {
  std::string name;                 ///< the path it was read from
  std::vector<std::uint8_t> train;  ///< training text
  std::vector<std::uint8_t> validation;
  std::size_t files = 0;
  std::size_t train_documents = 0, validation_documents = 0;
};

/// Splits `text` into documents as described above (exposed for tests).
std::vector<std::string> split_documents(std::string_view text);

/// The corpus from the documents, in order (every tenth to validation).
TextCorpus make_text_corpus(const std::vector<std::string>& documents, std::string name);

/// Reads a file or directory. Throws DataError naming the path for a missing path, an unreadable
/// file, no text, or an empty validation part (fewer than ten documents).
TextCorpus load_text_corpus(const std::filesystem::path& path);

/// `count` windows of `context` ids at uniformly random starts in `text` (drawn from rng in order):
/// x: [count, context] ids as floats, targets: [count * context], the id that follows each.
/// Needs text.size() > context.
void random_windows(const std::vector<std::uint8_t>& text, int context, std::size_t count,
                    lns::Rng& rng, Matrix<float>& x, std::vector<int>& targets);

/// Windows `first .. first + count` of the tiling of `text` by non-overlapping windows (window w
/// starts at w * context); there are (text.size() - 1) / context of them.
void tiled_windows(const std::vector<std::uint8_t>& text, int context, std::size_t first,
                   std::size_t count, Matrix<float>& x, std::vector<int>& targets);
std::size_t tiled_window_count(const std::vector<std::uint8_t>& text, int context);

/// Cross-entropy in nats per character of the unigram model of `fit` (byte frequencies with
/// add-one smoothing over the 256 bytes) on `text`.
double unigram_cross_entropy(const std::vector<std::uint8_t>& fit,
                             const std::vector<std::uint8_t>& text);

}  // namespace lnslab::nn
