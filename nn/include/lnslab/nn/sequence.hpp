#pragma once
// The layout of sequence activations (the transformer's): one sample per row, its positions one
// after another, each position's features contiguous. A row of a [batch, positions * features]
// matrix is therefore a row-major [positions, features] matrix, and the whole batch is the same
// memory as a [batch * positions, features] matrix, which per-position layers use directly.
//
// As a Shape: {1, positions, features} (height = positions, width = features); one position is a
// flat vector {features, 1, 1}, so that a layer built for one position is the ordinary layer.
#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn {

inline Shape sequence_shape(int positions, int features) {
  return positions == 1 ? Shape{features, 1, 1} : Shape{1, positions, features};
}

}  // namespace lnslab::nn
