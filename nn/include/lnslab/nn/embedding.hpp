#pragma once
// Lookup tables: a token (or class) embedding and a learned positional embedding.
//
// Embedding(vocab, dim, positions): each sample is `positions` integer ids in [0, vocab), stored
// as exact floats; y holds row E[id] for each:
//   x: [batch, positions]   E: [vocab, dim]   y: [batch, positions * dim]   (sequence.hpp)
//   dE[id] += dy at every place id occurs; ids have no gradient (dx, when asked, is zero).
// With positions = 1 it embeds one id per sample (e.g. a class label) into a flat vector.
//
// PositionalEmbedding(positions, dim): y = x + P at every sample, P: [positions, dim];
//   dP = sum over the batch of dy, dx = dy.
#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

template <typename T>
class Embedding final : public Layer<T> {
 public:
  Embedding(int vocab, int dim, int positions = 1);
  std::string describe() const override;
  void declare(ParamStore<T>& store, const std::string& prefix) override;
  void bind(ParamStore<T>& store) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;
  int vocab() const { return vocab_; }
  int dim() const { return dim_; }

 private:
  int vocab_, dim_, positions_;
  int table_id_ = -1;
  T* table_ = nullptr;
  T* grad_ = nullptr;
};

template <typename T>
class PositionalEmbedding final : public Layer<T> {
 public:
  PositionalEmbedding(int positions, int dim);
  std::string describe() const override;
  void declare(ParamStore<T>& store, const std::string& prefix) override;
  void bind(ParamStore<T>& store) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  int positions_, dim_;
  int table_id_ = -1;
  T* table_ = nullptr;
  T* grad_ = nullptr;
};

extern template class Embedding<float>;
extern template class Embedding<double>;
extern template class PositionalEmbedding<float>;
extern template class PositionalEmbedding<double>;

}  // namespace lnslab::nn
