#pragma once
// Matrix aliases and the activation shape used by every layer.
//
// A batch of activations is a row-major matrix [batch, features]: one sample per row, its features
// contiguous. Image-like activations keep the channel-major (C, H, W) order inside a row, so a
// row of a [batch, C*H*W] matrix is one NCHW sample. Shape describes the per-sample layout.
#include <Eigen/Core>
#include <string>

namespace lnslab::nn {

template <typename T>
using Matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using Vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;
template <typename T>
using MatrixMap = Eigen::Map<Matrix<T>>;
template <typename T>
using ConstMatrixMap = Eigen::Map<const Matrix<T>>;
template <typename T>
using VectorMap = Eigen::Map<Vector<T>>;
template <typename T>
using ConstVectorMap = Eigen::Map<const Vector<T>>;

/// Per-sample shape of an activation: channels x height x width (a flat vector is {n, 1, 1}).
struct Shape {
  int channels = 1;
  int height = 1;
  int width = 1;

  int size() const { return channels * height * width; }
  int spatial() const { return height * width; }
  std::string str() const;
  friend bool operator==(const Shape&, const Shape&) = default;
};

/// Whether a forward pass is part of training (batch statistics, caches) or evaluation.
enum class Mode { train, eval };

}  // namespace lnslab::nn
