// ParamOptimizer: lnslab's own Madam / LNS Madam (lnslab::nn, the optimizers of `lnslab train`)
// over a flat ParamStore that mirrors a list of float32 tensors. lnslab.torch copies the
// parameters and gradients in and the updated parameters out around each step, so the update
// rule, its state and its rounding are the trainer's, bit for bit.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/optimizers/lns_madam.hpp"
#include "lnslab/nn/optimizers/madam.hpp"
#include "lnslab/nn/serialize.hpp"

namespace lnslab::python {
namespace {

class ParamOptimizer {
 public:
  /// kind "madam" | "lns-madam"; sizes: element count of each tensor, in order. The LNS Madam
  /// weight format gets bias K, as `lnslab train` gives it (a spec naming another bias is refused).
  ParamOptimizer(const std::string& kind, const std::vector<std::size_t>& sizes, double lr,
                 const std::optional<std::string>& format, double p_scale, double g_bound) {
    if (!(lr > 0.0)) throw std::invalid_argument("lr " + std::to_string(lr) + " is not positive");
    if (!(p_scale > 0.0)) throw std::invalid_argument("p_scale must be positive");
    if (!(g_bound > 0.0)) throw std::invalid_argument("g_bound must be positive");
    const nn::MadamConfig madam{p_scale, g_bound, 0.999};
    if (kind == "madam") {
      optimizer_ = std::make_unique<nn::Madam>(madam);
    } else if (kind == "lns-madam") {
      if (!format) throw std::invalid_argument("lns-madam needs a format, e.g. lns8:eta0=0.016");
      const lns::Format f = nn::weight_format(lns::Format::parse(*format),
                                              format->find("bias=") != std::string::npos);
      lns_ = new nn::LnsMadam(f, lr, nn::LnsMadamConfig{madam, false});
      optimizer_.reset(lns_);
    } else {
      throw std::invalid_argument("optimizer '" + kind +
                                  "' is unknown: expected madam or lns-madam");
    }
    for (std::size_t i = 0; i < sizes.size(); ++i)
      store_.declare("param" + std::to_string(i), nn::ParamRole::weight,
                     {static_cast<int>(sizes[i])}, 1);
    store_.finalize();
  }

  /// Makes the state from the current values (LNS Madam: the nearest codes) and writes the values
  /// the optimizer holds (LNS Madam: the decoded codes) back into the arrays.
  void attach(const py::list& values) {
    copy_in(values, store_.values(), "values");
    lns::Rng rng(0);  // used only for the reference code's random exponents, which are off
    optimizer_->attach(store_, rng);
    copy_out(values);
  }

  /// One step at learning rate lr from the gradients; the arrays `values` receive the new values.
  void step(const py::list& values, const py::list& grads, double lr) {
    copy_in(values, store_.values(), "values");
    copy_in(grads, store_.grads(), "grads");
    {
      py::gil_scoped_release release;
      optimizer_->step(store_, nn::StepContext{lr, steps_, nullptr});
    }
    ++steps_;
    copy_out(values);
  }

  py::bytes state() const {
    nn::StateWriter out;
    out.u64(steps_);
    optimizer_->save(out);
    return py::bytes(out.bytes());
  }

  /// Restores a state() and writes the values it implies into the arrays (LNS Madam: decoded).
  void load_state(const py::bytes& bytes, const py::list& values) {
    const std::string s = bytes;
    nn::StateReader in(s);
    const std::uint64_t steps = in.u64("steps");
    optimizer_->load(in);
    if (!in.done()) throw nn::CheckpointError("optimizer state has trailing bytes");
    steps_ = steps;
    if (lns_) {
      lns_->weights().decode_into(store_);
      copy_out(values);
    }
  }

  /// The codes of tensor t (LNS Madam only), as uint16.
  py::array_t<std::uint16_t> codes(std::size_t t) const {
    if (!lns_) throw std::invalid_argument("codes: only lns-madam keeps codes");
    if (t >= lns_->weights().tensor_count())
      throw std::invalid_argument("codes: tensor " + std::to_string(t) + " does not exist");
    const auto c = lns_->weights().codes(t);
    py::array_t<std::uint16_t> out(static_cast<py::ssize_t>(c.size()));
    std::memcpy(out.mutable_data(), c.data(), c.size() * sizeof(lns::code_t));
    return out;
  }

  std::string weight_format() const {
    return lns_ ? lns_->weights().format().spec() : std::string();
  }
  int multiple(double lr) const { return lns_ ? lns_->multiple(lr) : 0; }
  std::uint64_t steps() const { return steps_; }

 private:
  // Each entry must be a C-contiguous float32 array of its tensor's size.
  std::span<float> tensor(const py::handle& h, int id, const char* what) const {
    auto a = py::array::ensure(h);
    const nn::ParamInfo& info = store_.info(id);
    if (!a || !a.dtype().is(py::dtype::of<float>()) || !(a.flags() & py::array::c_style) ||
        static_cast<std::size_t>(a.size()) != info.size || !a.writeable())
      throw std::invalid_argument(std::string(what) + "[" + std::to_string(id) +
                                  "] must be a writeable C-contiguous float32 array of " +
                                  std::to_string(info.size) + " elements");
    return {static_cast<float*>(a.mutable_data()), info.size};
  }

  void copy_in(const py::list& arrays, std::span<float> flat, const char* what) {
    if (arrays.size() != store_.infos().size())
      throw std::invalid_argument(std::string(what) + ": expected " +
                                  std::to_string(store_.infos().size()) + " arrays, got " +
                                  std::to_string(arrays.size()));
    for (const nn::ParamInfo& info : store_.infos()) {
      const auto src = tensor(arrays[static_cast<std::size_t>(info.id)], info.id, what);
      std::memcpy(flat.data() + info.offset, src.data(), info.size * sizeof(float));
    }
  }

  void copy_out(const py::list& arrays) {
    for (const nn::ParamInfo& info : store_.infos()) {
      const auto dst = tensor(arrays[static_cast<std::size_t>(info.id)], info.id, "values");
      const auto src = store_.value(info.id);
      std::memcpy(dst.data(), src.data(), info.size * sizeof(float));
    }
  }

  nn::ParamStore<float> store_;
  std::unique_ptr<nn::Optimizer> optimizer_;
  nn::LnsMadam* lns_ = nullptr;  // optimizer_ when it is LNS Madam
  std::uint64_t steps_ = 0;
};

}  // namespace

void bind_optim(py::module_& m) {
  py::class_<ParamOptimizer>(m, "ParamOptimizer",
                             "lnslab's Madam / LNS Madam over a list of float32 arrays")
      .def(py::init<const std::string&, const std::vector<std::size_t>&, double,
                    const std::optional<std::string>&, double, double>(),
           py::arg("kind"), py::arg("sizes"), py::arg("lr"), py::arg("format") = py::none(),
           py::arg("p_scale") = 3.0, py::arg("g_bound") = 10.0)
      .def("attach", &ParamOptimizer::attach, py::arg("values"))
      .def("step", &ParamOptimizer::step, py::arg("values"), py::arg("grads"), py::arg("lr"))
      .def("state", &ParamOptimizer::state)
      .def("load_state", &ParamOptimizer::load_state, py::arg("state"), py::arg("values"))
      .def("codes", &ParamOptimizer::codes, py::arg("tensor"))
      .def("multiple", &ParamOptimizer::multiple, py::arg("lr"))
      .def_property_readonly("weight_format", &ParamOptimizer::weight_format)
      .def_property_readonly("steps", &ParamOptimizer::steps);
}

}  // namespace lnslab::python
