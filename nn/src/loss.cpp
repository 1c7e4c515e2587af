#include "lnslab/nn/loss.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace lnslab::nn {

template <typename T>
LossResult<T> softmax_cross_entropy(const Matrix<T>& logits, std::span<const int> labels,
                                    Matrix<T>* dlogits) {
  const auto batch = logits.rows();
  const auto classes = logits.cols();
  if (static_cast<std::size_t>(batch) != labels.size())
    throw std::invalid_argument("softmax_cross_entropy: " + std::to_string(labels.size()) +
                                " labels for a batch of " + std::to_string(batch));
  LossResult<T> result;
  if (dlogits != nullptr) dlogits->resize(batch, classes);
  double total = 0.0;
  const T inv_batch = T(1) / static_cast<T>(batch);
  for (Eigen::Index b = 0; b < batch; ++b) {
    const int label = labels[static_cast<std::size_t>(b)];
    if (label < 0 || label >= classes)
      throw std::invalid_argument("softmax_cross_entropy: label " + std::to_string(label) +
                                  " outside [0, " + std::to_string(classes) + ")");
    Eigen::Index arg = 0;
    const T zmax = logits.row(b).maxCoeff(&arg);
    if (arg == label) ++result.correct;
    T sum = T(0);
    for (Eigen::Index j = 0; j < classes; ++j) sum += std::exp(logits(b, j) - zmax);
    const T log_sum = std::log(sum);
    total += static_cast<double>(log_sum + zmax - logits(b, label));
    if (dlogits != nullptr) {
      for (Eigen::Index j = 0; j < classes; ++j)
        (*dlogits)(b, j) = std::exp(logits(b, j) - zmax - log_sum) * inv_batch;
      (*dlogits)(b, label) -= inv_batch;
    }
  }
  result.loss = batch > 0 ? total / static_cast<double>(batch) : 0.0;
  return result;
}

template <typename T>
LossResult<T> sequence_cross_entropy(const Matrix<T>& logits, int positions,
                                     std::span<const int> labels, Matrix<T>* dlogits) {
  if (positions < 1 || logits.cols() % positions != 0)
    throw std::invalid_argument("sequence_cross_entropy: " + std::to_string(logits.cols()) +
                                " logits per sample are not a multiple of " +
                                std::to_string(positions) + " positions");
  const Eigen::Index rows = logits.rows() * positions, classes = logits.cols() / positions;
  const Matrix<T> flat = ConstMatrixMap<T>(logits.data(), rows, classes);
  Matrix<T> dflat;
  const LossResult<T> r = softmax_cross_entropy<T>(flat, labels, dlogits ? &dflat : nullptr);
  if (dlogits != nullptr) {
    dlogits->resize(logits.rows(), logits.cols());
    MatrixMap<T>(dlogits->data(), rows, classes) = dflat;
  }
  return r;
}

template LossResult<float> sequence_cross_entropy<float>(const Matrix<float>&, int,
                                                         std::span<const int>, Matrix<float>*);
template LossResult<double> sequence_cross_entropy<double>(const Matrix<double>&, int,
                                                           std::span<const int>, Matrix<double>*);
template LossResult<float> softmax_cross_entropy<float>(const Matrix<float>&, std::span<const int>,
                                                        Matrix<float>*);
template LossResult<double> softmax_cross_entropy<double>(const Matrix<double>&,
                                                          std::span<const int>, Matrix<double>*);

}  // namespace lnslab::nn
