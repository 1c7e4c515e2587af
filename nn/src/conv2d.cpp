#include "lnslab/nn/conv2d.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace lnslab::nn {

template <typename T>
Shape Conv2d<T>::output_shape_for(Shape in, const Conv2dSpec& spec) {
  if (spec.out_channels <= 0 || spec.kernel <= 0 || spec.stride <= 0 || spec.padding < 0)
    throw std::invalid_argument("Conv2d: channels, kernel and stride must be positive");
  const int ho = (in.height + 2 * spec.padding - spec.kernel) / spec.stride + 1;
  const int wo = (in.width + 2 * spec.padding - spec.kernel) / spec.stride + 1;
  if (in.height + 2 * spec.padding < spec.kernel || in.width + 2 * spec.padding < spec.kernel)
    throw std::invalid_argument("Conv2d: kernel larger than the padded input " + in.str());
  return Shape{spec.out_channels, ho, wo};
}

template <typename T>
Conv2d<T>::Conv2d(Shape in, Conv2dSpec spec)
    : Layer<T>(in, output_shape_for(in, spec)),
      spec_(spec),
      patch_(in.channels * spec.kernel * spec.kernel),
      backend_(&default_matmul<T>()) {}

template <typename T>
std::string Conv2d<T>::describe() const {
  return "Conv2d(" + this->input_shape().str() + " -> " + this->output_shape().str() + ", k" +
         std::to_string(spec_.kernel) + " s" + std::to_string(spec_.stride) + " p" +
         std::to_string(spec_.padding) + (spec_.bias ? ", bias)" : ", no bias)");
}

template <typename T>
void Conv2d<T>::declare(ParamStore<T>& store, const std::string& prefix) {
  const int co = spec_.out_channels;
  weight_id_ =
      store.declare(prefix + ".weight", ParamRole::weight,
                    {co, this->input_shape().channels, spec_.kernel, spec_.kernel}, patch_);
  if (spec_.bias) bias_id_ = store.declare(prefix + ".bias", ParamRole::bias, {co}, patch_);
}

template <typename T>
void Conv2d<T>::bind(ParamStore<T>& store) {
  w_ = store.value(weight_id_).data();
  gw_ = store.grad(weight_id_).data();
  if (spec_.bias) {
    b_ = store.value(bias_id_).data();
    gb_ = store.grad(bias_id_).data();
  }
}

namespace {

// The kernel columns kx in [first, last) whose input column ox * s - p + kx lies inside a row of
// `width` pixels (computed once per output column instead of tested per element).
struct KxRange {
  int first, last;
};
KxRange inside_columns(int ox, int s, int p, int k, int width) {
  const int x0 = ox * s - p;
  return {std::max(0, -x0), std::min(k, width - x0)};
}

}  // namespace

template <typename T>
void Conv2d<T>::im2col(const Matrix<T>& x, Matrix<T>& cols) const {
  const Shape in = this->input_shape();
  const Shape out = this->output_shape();
  const int k = spec_.kernel, s = spec_.stride, p = spec_.padding;
  const auto batch = x.rows();
  cols.resize(batch * out.spatial(), patch_);
  for (Eigen::Index b = 0; b < batch; ++b) {
    const T* src = x.row(b).data();
    for (int oy = 0; oy < out.height; ++oy) {
      for (int ox = 0; ox < out.width; ++ox) {
        T* dst = cols.row(b * out.spatial() + oy * out.width + ox).data();
        const KxRange kx = inside_columns(ox, s, p, k, in.width);
        const int x0 = ox * s - p;
        for (int c = 0; c < in.channels; ++c) {
          const T* plane = src + c * in.spatial();
          for (int ky = 0; ky < k; ++ky, dst += k) {
            const int iy = oy * s - p + ky;
            if (iy < 0 || iy >= in.height || kx.first >= kx.last) {
              for (int j = 0; j < k; ++j) dst[j] = T(0);
              continue;
            }
            // Plain loops: a library copy of k (typically 5) elements costs more than the copy.
            const T* from = plane + (iy * in.width + x0 + kx.first);
            for (int j = 0; j < kx.first; ++j) dst[j] = T(0);
            for (int j = kx.first; j < kx.last; ++j) dst[j] = from[j - kx.first];
            for (int j = kx.last; j < k; ++j) dst[j] = T(0);
          }
        }
      }
    }
  }
}

template <typename T>
void Conv2d<T>::col2im(const Matrix<T>& dcols, Matrix<T>& dx) const {
  const Shape in = this->input_shape();
  const Shape out = this->output_shape();
  const int k = spec_.kernel, s = spec_.stride, p = spec_.padding;
  const auto batch = dcols.rows() / out.spatial();
  dx.setZero(batch, in.size());
  // The sums run in the same order as a plain loop over (b, oy, ox, c, ky, kx): same bits.
  for (Eigen::Index b = 0; b < batch; ++b) {
    T* dst = dx.row(b).data();
    for (int oy = 0; oy < out.height; ++oy) {
      for (int ox = 0; ox < out.width; ++ox) {
        const T* src = dcols.row(b * out.spatial() + oy * out.width + ox).data();
        const KxRange kx = inside_columns(ox, s, p, k, in.width);
        const int x0 = ox * s - p;
        for (int c = 0; c < in.channels; ++c) {
          T* plane = dst + c * in.spatial();
          for (int ky = 0; ky < k; ++ky, src += k) {
            const int iy = oy * s - p + ky;
            if (iy < 0 || iy >= in.height || kx.first >= kx.last) continue;
            T* to = plane + (iy * in.width + x0 + kx.first);
            for (int j = 0; j < kx.last - kx.first; ++j) to[j] += src[kx.first + j];
          }
        }
      }
    }
  }
}

template <typename T>
void Conv2d<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  const Shape out = this->output_shape();
  const int co = spec_.out_channels, hw = out.spatial();
  const auto batch = x.rows();
  im2col(x, cols_);
  ConstMatrixMap<T> w(w_, co, patch_);
  rows_.resize(batch * hw, co);
  backend_->gemm(GemmRole::forward, cols_, false, w, true, rows_);
  y.resize(batch, out.size());
  for (Eigen::Index b = 0; b < batch; ++b) {
    T* dst = y.row(b).data();
    for (int p = 0; p < hw; ++p) {
      const T* src = rows_.row(b * hw + p).data();
      for (int c = 0; c < co; ++c) dst[c * hw + p] = src[c] + (spec_.bias ? b_[c] : T(0));
    }
  }
}

template <typename T>
void Conv2d<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                         Matrix<T>* dx) {
  const Shape out = this->output_shape();
  const int co = spec_.out_channels, hw = out.spatial();
  const auto batch = dy.rows();
  // dyr: [batch*Ho*Wo, Cout], the gradient in the layout of rows_.
  rows_.resize(batch * hw, co);
  for (Eigen::Index b = 0; b < batch; ++b) {
    const T* src = dy.row(b).data();
    for (int p = 0; p < hw; ++p) {
      T* dst = rows_.row(b * hw + p).data();
      for (int c = 0; c < co; ++c) dst[c] = src[c * hw + p];
    }
  }
  MatrixMap<T> gw(gw_, co, patch_);
  backend_->gemm(GemmRole::backward_weight, rows_, true, cols_, false, gw);
  if (spec_.bias) VectorMap<T>(gb_, co) = rows_.colwise().sum().transpose();
  if (dx != nullptr) {
    ConstMatrixMap<T> w(w_, co, patch_);
    dcols_.resize(batch * hw, patch_);
    backend_->gemm(GemmRole::backward_data, rows_, false, w, false, dcols_);
    col2im(dcols_, *dx);
  }
}

template class Conv2d<float>;
template class Conv2d<double>;

}  // namespace lnslab::nn
