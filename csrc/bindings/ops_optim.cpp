// Bindings of the optim family: pt._core.apply_<optimizer>(var, grad, slots..., hyper-parameters), in place.
#include "bindings.h"
#include "convert.h"

namespace pt::bind {

void bind_optim(py::module_& m) {
  m.def("apply_sgd",
        [](Variable& var, py::handle grad, Variable* momentum_slot, double learning_rate, double momentum,
           bool nesterov, double weight_decay, py::handle) {
          ops::apply_sgd(var, to_tensor(grad, std::nullopt, "SGD"), momentum_slot, learning_rate, momentum, nesterov,
                         weight_decay);
        },
        py::arg("var"), py::arg("grad"), py::arg("momentum_slot") = nullptr, py::arg("learning_rate") = 0.01,
        py::arg("momentum") = 0.0, py::arg("nesterov") = false, py::arg("weight_decay") = 0.0,
        py::arg("name") = py::none());
  m.def("apply_rmsprop",
        [](Variable& var, py::handle grad, Variable& velocity, Variable* average_grad, Variable* momentum_slot,
           double learning_rate, double rho, double momentum, double epsilon, double weight_decay, py::handle) {
          ops::apply_rmsprop(var, to_tensor(grad, std::nullopt, "RMSprop"), velocity, average_grad, momentum_slot,
                             learning_rate, rho, momentum, epsilon, weight_decay);
        },
        py::arg("var"), py::arg("grad"), py::arg("velocity"), py::arg("average_grad") = nullptr,
        py::arg("momentum_slot") = nullptr, py::arg("learning_rate") = 0.001, py::arg("rho") = 0.9,
        py::arg("momentum") = 0.0, py::arg("epsilon") = 1e-7, py::arg("weight_decay") = 0.0,
        py::arg("name") = py::none());
  m.def("apply_adam",
        [](Variable& var, py::handle grad, Variable& mom, Variable& vel, Variable* v_hat, double learning_rate,
           double beta_1, double beta_2, double epsilon, int64_t step, double weight_decay, py::handle) {
          ops::apply_adam(var, to_tensor(grad, std::nullopt, "Adam"), mom, vel, v_hat, learning_rate, beta_1, beta_2,
                          epsilon, step, weight_decay);
        },
        py::arg("var"), py::arg("grad"), py::arg("m"), py::arg("v"), py::arg("v_hat") = nullptr,
        py::arg("learning_rate") = 0.001, py::arg("beta_1") = 0.9, py::arg("beta_2") = 0.999,
        py::arg("epsilon") = 1e-7, py::arg("step") = 1, py::arg("weight_decay") = 0.0, py::arg("name") = py::none());
  m.def("apply_adagrad",
        [](Variable& var, py::handle grad, Variable& accumulator, double learning_rate, double epsilon,
           double weight_decay, py::handle) {
          ops::apply_adagrad(var, to_tensor(grad, std::nullopt, "Adagrad"), accumulator, learning_rate, epsilon,
                             weight_decay);
        },
        py::arg("var"), py::arg("grad"), py::arg("accumulator"), py::arg("learning_rate") = 0.001,
        py::arg("epsilon") = 1e-7, py::arg("weight_decay") = 0.0, py::arg("name") = py::none());
  m.def("apply_adadelta",
        [](Variable& var, py::handle grad, Variable& accumulated_grad, Variable& accumulated_delta_var,
           double learning_rate, double rho, double epsilon, double weight_decay, py::handle) {
          ops::apply_adadelta(var, to_tensor(grad, std::nullopt, "Adadelta"), accumulated_grad, accumulated_delta_var,
                              learning_rate, rho, epsilon, weight_decay);
        },
        py::arg("var"), py::arg("grad"), py::arg("accumulated_grad"), py::arg("accumulated_delta_var"),
        py::arg("learning_rate") = 0.001, py::arg("rho") = 0.95, py::arg("epsilon") = 1e-7,
        py::arg("weight_decay") = 0.0, py::arg("name") = py::none());
  m.def("apply_nadam",
        [](Variable& var, py::handle grad, Variable& mom, Variable& vel, double learning_rate, double beta_1,
           double beta_2, double epsilon, int64_t step, double u_product, double weight_decay, py::handle) {
          ops::apply_nadam(var, to_tensor(grad, std::nullopt, "Nadam"), mom, vel, learning_rate, beta_1, beta_2,
                           epsilon, step, u_product, weight_decay);
        },
        py::arg("var"), py::arg("grad"), py::arg("m"), py::arg("v"), py::arg("learning_rate") = 0.001,
        py::arg("beta_1") = 0.9, py::arg("beta_2") = 0.999, py::arg("epsilon") = 1e-7, py::arg("step") = 1,
        py::arg("u_product") = 0.9 * (1.0 - 0.5 * 0.96), py::arg("weight_decay") = 0.0, py::arg("name") = py::none());
}

}  // namespace pt::bind
