#include "lnslab/nn/params.hpp"

#include <algorithm>
#include <stdexcept>

#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn {

std::string Shape::str() const {
  return std::to_string(channels) + "x" + std::to_string(height) + "x" + std::to_string(width);
}

const char* to_string(ParamRole role) {
  switch (role) {
    case ParamRole::weight:
      return "weight";
    case ParamRole::bias:
      return "bias";
    case ParamRole::norm_scale:
      return "norm_scale";
    case ParamRole::norm_shift:
      return "norm_shift";
    case ParamRole::running_mean:
      return "running_mean";
    case ParamRole::running_var:
      return "running_var";
  }
  return "?";
}

template <typename T>
int ParamStore<T>::declare(std::string name, ParamRole role, std::vector<int> shape, int fan_in) {
  if (finalized_) throw std::logic_error("ParamStore::declare after finalize: " + name);
  std::size_t size = 1;
  for (int d : shape) {
    if (d <= 0)
      throw std::invalid_argument("ParamStore::declare: non-positive dimension in " + name);
    size *= static_cast<std::size_t>(d);
  }
  ParamInfo info;
  info.id = static_cast<int>(infos_.size());
  info.name = std::move(name);
  info.role = role;
  info.shape = std::move(shape);
  info.offset = next_offset_;
  info.size = size;
  info.fan_in = fan_in;
  info.trainable = role != ParamRole::running_mean && role != ParamRole::running_var;
  next_offset_ += size;
  infos_.push_back(std::move(info));
  return infos_.back().id;
}

template <typename T>
void ParamStore<T>::finalize() {
  if (finalized_) return;
  values_.assign(next_offset_, T(0));
  grads_.assign(next_offset_, T(0));
  finalized_ = true;
}

template <typename T>
std::size_t ParamStore<T>::trainable_size() const {
  std::size_t n = 0;
  for (const auto& info : infos_)
    if (info.trainable) n += info.size;
  return n;
}

template <typename T>
void ParamStore<T>::zero_grads() {
  std::fill(grads_.begin(), grads_.end(), T(0));
}

template class ParamStore<float>;
template class ParamStore<double>;

}  // namespace lnslab::nn
