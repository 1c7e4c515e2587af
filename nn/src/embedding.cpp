#include "lnslab/nn/embedding.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "lnslab/nn/sequence.hpp"

namespace lnslab::nn {

template <typename T>
Embedding<T>::Embedding(int vocab, int dim, int positions)
    : Layer<T>(sequence_shape(positions, 1), sequence_shape(positions, dim)),
      vocab_(vocab),
      dim_(dim),
      positions_(positions) {
  if (vocab <= 0 || dim <= 0 || positions <= 0)
    throw std::invalid_argument("Embedding: sizes must be positive");
}

template <typename T>
std::string Embedding<T>::describe() const {
  return "Embedding(" + std::to_string(vocab_) + " ids -> " + std::to_string(dim_) +
         (positions_ > 1 ? ", at each of " + std::to_string(positions_) + " positions)" : ")");
}

template <typename T>
void Embedding<T>::declare(ParamStore<T>& store, const std::string& prefix) {
  // fan_in 1: the uniform scheme draws U(-1, 1), the scale of PyTorch's N(0, 1) embeddings.
  table_id_ = store.declare(prefix + ".weight", ParamRole::weight, {vocab_, dim_}, 1);
}

template <typename T>
void Embedding<T>::bind(ParamStore<T>& store) {
  table_ = store.value(table_id_).data();
  grad_ = store.grad(table_id_).data();
}

template <typename T>
void Embedding<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  y.resize(x.rows(), static_cast<Eigen::Index>(positions_) * dim_);
  ConstMatrixMap<T> table(table_, vocab_, dim_);
  for (Eigen::Index b = 0; b < x.rows(); ++b)
    for (int p = 0; p < positions_; ++p) {
      const T id = x(b, p);
      if (!(id >= T(0)) || !(id < static_cast<T>(vocab_)) || id != std::floor(id))
        throw std::invalid_argument("Embedding: id " + std::to_string(static_cast<double>(id)) +
                                    " is not an integer in [0, " + std::to_string(vocab_) + ")");
      y.row(b).segment(static_cast<Eigen::Index>(p) * dim_, dim_) =
          table.row(static_cast<Eigen::Index>(id));
    }
}

template <typename T>
void Embedding<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                            Matrix<T>* dx) {
  MatrixMap<T> grad(grad_, vocab_, dim_);
  grad.setZero();
  for (Eigen::Index b = 0; b < x.rows(); ++b)
    for (int p = 0; p < positions_; ++p)
      grad.row(static_cast<Eigen::Index>(x(b, p))) +=
          dy.row(b).segment(static_cast<Eigen::Index>(p) * dim_, dim_);
  if (dx != nullptr) dx->setZero(x.rows(), x.cols());
}

template <typename T>
PositionalEmbedding<T>::PositionalEmbedding(int positions, int dim)
    : Layer<T>(sequence_shape(positions, dim), sequence_shape(positions, dim)),
      positions_(positions),
      dim_(dim) {
  if (positions <= 0 || dim <= 0)
    throw std::invalid_argument("PositionalEmbedding: sizes must be positive");
}

template <typename T>
std::string PositionalEmbedding<T>::describe() const {
  return "PositionalEmbedding(" + std::to_string(positions_) + " positions x " +
         std::to_string(dim_) + ")";
}

template <typename T>
void PositionalEmbedding<T>::declare(ParamStore<T>& store, const std::string& prefix) {
  table_id_ = store.declare(prefix + ".weight", ParamRole::weight, {positions_, dim_}, 1);
}

template <typename T>
void PositionalEmbedding<T>::bind(ParamStore<T>& store) {
  table_ = store.value(table_id_).data();
  grad_ = store.grad(table_id_).data();
}

template <typename T>
void PositionalEmbedding<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  const Eigen::Index n = static_cast<Eigen::Index>(positions_) * dim_;
  y = x;
  y.rowwise() += ConstVectorMap<T>(table_, n).transpose();
}

template <typename T>
void PositionalEmbedding<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& /*y*/,
                                      const Matrix<T>& dy, Matrix<T>* dx) {
  const Eigen::Index n = static_cast<Eigen::Index>(positions_) * dim_;
  VectorMap<T>(grad_, n) = dy.colwise().sum().transpose();
  if (dx != nullptr) *dx = dy;
}

template class Embedding<float>;
template class Embedding<double>;
template class PositionalEmbedding<float>;
template class PositionalEmbedding<double>;

}  // namespace lnslab::nn
