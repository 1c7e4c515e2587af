#pragma once
// Softmax cross-entropy fused with the softmax, computed from logits by log-sum-exp.
//   logits: [batch, classes]   labels: [batch] in [0, classes)
//   loss = mean over the batch of (logsumexp(z) - z[label])
//   dlogits = (softmax(z) - onehot(label)) / batch
#include <span>

#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn {

template <typename T>
struct LossResult {
  double loss = 0.0;  ///< mean over the batch
  int correct = 0;    ///< samples whose largest logit (first on ties) is the label
};

/// Computes the loss (and, when dlogits is not null, its gradient, resized to logits' shape).
template <typename T>
LossResult<T> softmax_cross_entropy(const Matrix<T>& logits, std::span<const int> labels,
                                    Matrix<T>* dlogits);

/// The same over every position of a sequence batch (sequence.hpp), i.e. softmax_cross_entropy of
/// the [batch * positions, classes] view:
///   logits: [batch, positions * classes]   labels: [batch * positions]   loss: mean per position
///   dlogits (resized to logits' shape) = (softmax - onehot) / (batch * positions)
template <typename T>
LossResult<T> sequence_cross_entropy(const Matrix<T>& logits, int positions,
                                     std::span<const int> labels, Matrix<T>* dlogits);

}  // namespace lnslab::nn
