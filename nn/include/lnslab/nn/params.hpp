#pragma once
// Parameters in one flat buffer, gradients in another; layers hold views (as llm.c).
//
// Layers declare their tensors (name, role, shape) before the buffers exist; finalize() allocates
// both buffers once, after which every tensor is a fixed [offset, offset + size) slice and the
// pointers handed to layers stay valid for the store's lifetime. Non-trainable tensors (batch-norm
// running statistics) live in the same buffer so that a checkpoint is one copy of it; optimizers
// skip them.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace lnslab::nn {

enum class ParamRole {
  weight,        ///< Linear / Conv2d weight; initialised by the weight scheme
  bias,          ///< Linear / Conv2d bias; initialised N(0, bias_std^2)
  norm_scale,    ///< BatchNorm gamma; initialised to 1
  norm_shift,    ///< BatchNorm beta; initialised like a bias
  running_mean,  ///< BatchNorm running mean (not trainable)
  running_var,   ///< BatchNorm running variance (not trainable)
};

const char* to_string(ParamRole role);

struct ParamInfo {
  int id = 0;        ///< index in declaration order
  std::string name;  ///< e.g. "fc1.weight"
  ParamRole role = ParamRole::weight;
  std::vector<int> shape;  ///< e.g. {out, in} for a Linear weight
  std::size_t offset = 0;  ///< first element in the flat buffers
  std::size_t size = 0;    ///< number of elements
  int fan_in = 1;          ///< inputs per output unit (for initialisation)
  bool trainable = true;
};

template <typename T>
class ParamStore {
 public:
  /// Declares a tensor; returns its id. Only before finalize().
  int declare(std::string name, ParamRole role, std::vector<int> shape, int fan_in);
  /// Allocates the value and gradient buffers (values and gradients zero).
  void finalize();
  bool finalized() const { return finalized_; }

  const std::vector<ParamInfo>& infos() const { return infos_; }
  const ParamInfo& info(int id) const { return infos_.at(static_cast<std::size_t>(id)); }
  std::size_t total_size() const { return values_.size(); }
  /// Number of trainable elements.
  std::size_t trainable_size() const;

  std::span<T> values() { return values_; }
  std::span<const T> values() const { return values_; }
  std::span<T> grads() { return grads_; }
  std::span<const T> grads() const { return grads_; }
  std::span<T> value(int id) { return values().subspan(info(id).offset, info(id).size); }
  std::span<const T> value(int id) const {
    return values().subspan(info(id).offset, info(id).size);
  }
  std::span<T> grad(int id) { return grads().subspan(info(id).offset, info(id).size); }
  std::span<const T> grad(int id) const { return grads().subspan(info(id).offset, info(id).size); }

  void zero_grads();

 private:
  std::vector<ParamInfo> infos_;
  std::vector<T> values_;
  std::vector<T> grads_;
  std::size_t next_offset_ = 0;
  bool finalized_ = false;
};

extern template class ParamStore<float>;
extern template class ParamStore<double>;

}  // namespace lnslab::nn
