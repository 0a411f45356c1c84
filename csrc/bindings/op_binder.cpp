// The generic binder (op_binder.h): argument parsing by signature, field conversion by type, one binding per
// registry op through ops::invoke.
#include "op_binder.h"

#include <pybind11/eval.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "../graph/capture.h"
#include "../ops/invoke.h"
#include "bindings.h"
#include "docs.h"

namespace pt::bind {

namespace {

/** Most parameters a bound function takes (matmul's ten and `name`). */
constexpr size_t kMaxParams = 16;

/** A function made by def_function; lives as long as the module. */
struct BoundFunction {
  Signature sig;
  std::vector<py::object> names;  // interned parameter names, for keyword lookup by identity
  std::function<py::object(const Call&)> body;
  std::string doc;
  PyMethodDef def{};
};

Signature parse_signature(const std::string& text) {
  const size_t open = text.find('('), close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos) py::pybind11_fail("bad signature: " + text);
  Signature sig;
  sig.function = text.substr(0, open);
  // The parameter list as a lambda's: Python parses the names and evaluates the literal defaults once, at import.
  py::object fn = py::eval("lambda " + text.substr(open + 1, close - open - 1) + ": None", py::dict());
  py::object empty = py::module_::import("inspect").attr("Parameter").attr("empty");
  for (py::handle p : py::module_::import("inspect").attr("signature")(fn).attr("parameters").attr("values")()) {
    sig.params.push_back(p.attr("name").cast<std::string>());
    py::object d = p.attr("default");
    sig.defaults.push_back(d.is(empty) ? py::object() : d);
  }
  if (sig.params.size() > kMaxParams) py::pybind11_fail("too many parameters: " + text);
  return sig;
}

[[noreturn]] void argument_error(const BoundFunction& f, const std::string& what) {
  throw py::type_error(str_cat(f.sig.function, "() ", what));
}

PyObject* call_bound(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  auto* f = static_cast<BoundFunction*>(PyCapsule_GetPointer(self, nullptr));
  try {
    const size_t n = f->names.size();
    PyObject* slots[kMaxParams] = {};
    if (static_cast<size_t>(nargs) > n) argument_error(*f, str_cat("takes at most ", n, " arguments (", nargs, " given)"));
    for (Py_ssize_t i = 0; i < nargs; ++i) slots[i] = args[i];
    const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; k < nkw; ++k) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, k);
      size_t j = 0;
      while (j < n && f->names[j].ptr() != key) ++j;  // interned: identity almost always decides
      if (j == n)
        for (j = 0; j < n && PyUnicode_Compare(f->names[j].ptr(), key) != 0; ++j) {
        }
      if (j == n) argument_error(*f, str_cat("got an unexpected keyword argument '", py::str(key).cast<std::string>(), "'"));
      if (slots[j]) argument_error(*f, str_cat("got multiple values for argument '", f->sig.params[j], "'"));
      slots[j] = args[nargs + k];
    }
    for (size_t j = 0; j < n; ++j) {
      if (slots[j]) continue;
      if (!f->sig.defaults[j]) argument_error(*f, str_cat("missing required argument '", f->sig.params[j], "'"));
      slots[j] = f->sig.defaults[j].ptr();
    }
    return f->body(Call(slots)).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const py::builtin_exception& e) {
    e.set_error();
  } catch (...) {
    try {
      translate_core_exception(std::current_exception());
    } catch (const std::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  }
  return nullptr;
}

/** Adds a function of signature `sig`, docstring `doc` (its first line: the signature) and `body` to m. */
void define(py::module_& m, Signature sig, std::string doc, std::function<py::object(const Call&)> body) {
  auto* f = new BoundFunction{std::move(sig), {}, std::move(body), std::move(doc), {}};  // lives with the module
  for (const std::string& p : f->sig.params)
    f->names.push_back(py::reinterpret_steal<py::object>(PyUnicode_InternFromString(p.c_str())));
  f->def = {f->sig.function.c_str(), reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&call_bound)),
            METH_FASTCALL | METH_KEYWORDS, f->doc.c_str()};
  py::capsule self(static_cast<const void*>(f));
  py::object fn = py::reinterpret_steal<py::object>(PyCFunction_NewEx(&f->def, self.ptr(), m.attr("__name__").ptr()));
  if (!fn) throw py::error_already_set();
  m.add_object(f->sig.function.c_str(), fn, true);
}

/** Field types set_field converts a Python argument to; the composite ones are set by adapters. */
template <class F>
constexpr bool kPlainField = std::is_same_v<F, double> || std::is_same_v<F, int64_t> || std::is_same_v<F, bool> ||
                             std::is_same_v<F, DType> || std::is_same_v<F, std::optional<DType>> ||
                             std::is_same_v<F, Shape> || std::is_same_v<F, std::string> || std::is_same_v<F, Tensor> ||
                             std::is_same_v<F, ops::RandomSeed>;

/** The Python kind of a plain field type (op_registry's attribute descriptor). */
template <class F>
constexpr const char* field_kind() {
  if constexpr (std::is_same_v<F, double>) return "float";
  else if constexpr (std::is_same_v<F, int64_t>) return "int";
  else if constexpr (std::is_same_v<F, bool>) return "bool";
  else if constexpr (std::is_same_v<F, DType> || std::is_same_v<F, std::optional<DType>>) return "dtype";
  else if constexpr (std::is_same_v<F, Shape>) return "shape";
  else if constexpr (std::is_same_v<F, std::string>) return "string";
  else if constexpr (std::is_same_v<F, Tensor>) return "tensor";
  else return "seed";
}

template <class T>
std::vector<std::pair<const char*, const char*>> plain_fields() {
  std::vector<std::pair<const char*, const char*>> out;
  T probe{};
  for_each_attr_field(probe, [&](const char* f, auto& value) {
    using F = std::decay_t<decltype(value)>;
    if constexpr (kPlainField<F>) out.emplace_back(f, field_kind<F>());
  });
  return out;
}

/** TF's TypeError for an attribute argument of the wrong type: "leaky_relu: alpha must be a float, got 'x' (str)". */
[[noreturn]] void attr_type_error(py::handle h, const char* op, const char* what, const char* wanted) {
  throw TypeError(str_cat(op, ": ", what, " must be ", wanted, ", got ", std::string(py::repr(h)), " (",
                          Py_TYPE(h.ptr())->tp_name, ")"));
}

/** Converts Python argument h into attribute field f by f's type; None keeps the default. */
void set_field(double& f, py::handle h, const char* op, const char* what) {
  f = PyFloat_AsDouble(h.ptr());
  if (f == -1.0 && PyErr_Occurred()) {
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) throw py::error_already_set();
    PyErr_Clear();
    attr_type_error(h, op, what, "a float");
  }
}
void set_field(int64_t& f, py::handle h, const char* op, const char* what) { f = int_arg(h, op, what); }
void set_field(bool& f, py::handle h, const char*, const char*) {
  const int v = PyObject_IsTrue(h.ptr());
  if (v < 0) throw py::error_already_set();
  f = v;
}

void set_field(DType& f, py::handle h, const char* op, const char* what) { f = dtype_arg(h, op, what); }
void set_field(std::optional<DType>& f, py::handle h, const char* op, const char* what) {
  f = h.is_none() ? std::nullopt : std::optional<DType>(dtype_arg(h, op, what));
}
void set_field(Shape& f, py::handle h, const char* op, const char* what) {
  try {
    f = shape_from_py(h, op);
  } catch (const TypeError& e) {  // shape_from_py's reason, with the attribute's name
    const std::string reason = e.what(), prefix = str_cat(op, ": ");
    if (reason.find(what) != std::string::npos) throw;
    throw TypeError(str_cat(op, ": ", what, ": ", reason.compare(0, prefix.size(), prefix) == 0
                                                      ? reason.substr(prefix.size()) : reason));
  }
}
void set_field(std::string& f, py::handle h, const char* op, const char* what) {
  if (!PyUnicode_Check(h.ptr()) && !PyBytes_Check(h.ptr())) attr_type_error(h, op, what, "a string");
  f = py::cast<std::string>(h);
}
void set_field(Tensor& f, py::handle h, const char* op, const char*) { f = to_tensor(h, std::nullopt, op); }
/** A seed resolves by TF 2's rules (ops/random_seed.h), None included: the global seed, else a fresh stream. */
void set_field(ops::RandomSeed& f, py::handle h, const char*, const char*) { f = random_seed_from_py(h); }

/** Converts a values list: the first tensor-like item (else the first item) fixes the others' dtype. */
std::vector<Tensor> tensor_list(py::handle values, const char* op) {
  if (is_tensor_like(values) || !py::isinstance<py::sequence>(values) || py::isinstance<py::str>(values))
    throw TypeError(str_cat(op, ": expected a list of tensors, got ",
                            std::string(py::str(py::type::handle_of(values).attr("__name__")))));
  std::optional<DType> dtype;
  for (py::handle v : values)
    if (is_tensor_like(v)) {
      dtype = to_tensor(v, std::nullopt, op).dtype();
      break;
    }
  std::vector<Tensor> out;
  for (py::handle v : values) {
    out.push_back(to_tensor(v, dtype, op));
    if (!dtype) dtype = out.back().dtype();
  }
  return out;
}

/** Ops whose tensor inputs share one dtype: Python values convert to the dtype of the first tensor among them. */
bool same_dtype_inputs(OpId op) {
  return op == OpId::relu_grad || op == OpId::bias_add_relu || op == OpId::softmax_cross_entropy_with_logits ||
         op == OpId::matmul;
}

/** The tensor inputs of a call (`params`: their positions). */
std::vector<Tensor> convert_inputs(OpId op, const Call& call, const std::vector<size_t>& params) {
  const char* name = op_def(op).name;
  if (op_def(op).num_inputs < 0) return tensor_list(call[params[0]], name);
  std::vector<Tensor> inputs(params.size());
  std::optional<DType> dtype;
  if (same_dtype_inputs(op))
    for (size_t i = 0; i < params.size() && !dtype; ++i)
      if (is_tensor_like(call[params[i]])) dtype = to_tensor(call[params[i]], std::nullopt, name).dtype();
  for (size_t i = 0; i < params.size(); ++i) {
    inputs[i] = to_tensor(call[params[i]], dtype, name);
    if (same_dtype_inputs(op) && !dtype) dtype = inputs[i].dtype();
  }
  return inputs;
}

/** The adapters family files registered, by op. */
struct AdapterEntry {
  std::vector<std::string> params;
  Adapter fn;
};
std::map<OpId, std::vector<AdapterEntry>>& adapters() {
  static std::map<OpId, std::vector<AdapterEntry>> table;
  return table;
}
/** The adapters of every op of an attribute struct, by the struct's name. */
std::map<std::string, std::vector<AdapterEntry>>& struct_adapters() {
  static std::map<std::string, std::vector<AdapterEntry>> table;
  return table;
}

/** Sets a struct's attributes from a call (an adapter's or a field's conversion). */
using Setter = std::function<void(const Call&, const std::vector<Tensor>&, Attrs&)>;

/** A Variable argument of an optimizer update, or TypeError naming the op and the argument. */
Variable& variable_arg(py::handle h, const char* op, const std::string& what) {
  if (Variable* v = as_variable(h)) return *v;
  throw TypeError(str_cat(op, ": ", what, " must be a Variable (updated in place), got ", Py_TYPE(h.ptr())->tp_name));
}

/**
 * The call of an optimizer update (family optim): var, grad, then its slot Variables, updated in place through
 * ops::invoke_update, and last a row gradient's `indices` (None: grad is dense). An optional slot (default None) sets, in order, the struct's bool fields that are no Python
 * argument (has_momentum, centered, amsgrad): whether the update has that slot.
 */
template <class T>
std::function<py::object(const Call&)> update_body(OpId op, const Signature& sig, const std::vector<size_t>& inputs,
                                                   const std::vector<Setter>& setters) {
  // `indices` (a row gradient's, default None) follows the slots
  const bool rows = inputs.size() > 2 && sig.params[inputs.back()] == "indices";
  const size_t num_inputs = inputs.size() - (rows ? 1 : 0);
  std::vector<size_t> optional_slots;
  for (size_t k = 2; k < num_inputs; ++k)
    if (sig.defaults[inputs[k]] && sig.defaults[inputs[k]].is_none()) optional_slots.push_back(k);
  std::vector<size_t> flags;  // the struct's bool fields that no Python argument names
  size_t field = 0;
  T probe{};
  for_each_attr_field(probe, [&](const char* f, auto& value) {
    if (std::is_same_v<std::decay_t<decltype(value)>, bool> &&
        std::find(sig.params.begin(), sig.params.end(), f) == sig.params.end())
      flags.push_back(field);
    ++field;
  });
  if (inputs.size() < 2 || flags.size() != optional_slots.size())
    py::pybind11_fail(str_cat(sig.function, ": ", optional_slots.size(), " optional slots for ", flags.size(),
                              " presence flags of attrs::", T::kName));
  return [op, sig, inputs, num_inputs, rows, setters, optional_slots, flags](const Call& call) -> py::object {
    const char* name = op_def(op).name;
    std::vector<Variable*> variables{&variable_arg(call[inputs[0]], name, sig.params[inputs[0]]), nullptr};
    Tensor grad = to_tensor(call[inputs[1]], std::nullopt, name);
    Attrs attrs{T{}};
    for (const Setter& s : setters) s(call, {}, attrs);
    for (size_t k = 2; k < num_inputs; ++k) {
      py::handle slot = call[inputs[k]];
      const auto flag = std::find(optional_slots.begin(), optional_slots.end(), k);
      if (flag != optional_slots.end()) {
        size_t f = 0;
        for_each_attr_field(attrs_as<T>(op, attrs), [&](const char*, auto& value) {
          if constexpr (std::is_same_v<std::decay_t<decltype(value)>, bool>)
            if (f == flags[flag - optional_slots.begin()]) value = !slot.is_none();
          ++f;
        });
        if (slot.is_none()) continue;
      }
      variables.push_back(&variable_arg(slot, name, sig.params[inputs[k]]));
    }
    Tensor indices = rows && !call[inputs.back()].is_none() ? to_tensor(call[inputs.back()], std::nullopt, name)
                                                            : Tensor();
    ops::invoke_update(op, variables, grad, attrs, indices);
    return py::none();
  };
}

/** The binding of registry op `op` with attribute struct T. */
template <class T>
void bind_op(py::module_& m, OpId op) {
  const char* name = op_def(op).name;
  if (py::hasattr(m, name)) return;  // a family file binds it by hand
  std::string signature, doc = op_doc(name);
  if (!doc.empty()) {
    signature = doc.substr(0, doc.find('\n'));
  } else {
    const OpDoc* internal = internal_op_doc(name);
    if (!internal) return;  // not exposed to Python (its public function is another's)
    signature = internal->signature;
    doc = internal->summary;
  }
  const Signature sig = parse_signature(signature);
  std::vector<bool> claimed(sig.params.size(), false);
  for (size_t i = 0; i < sig.params.size(); ++i) claimed[i] = sig.params[i] == "name";  // TF's, ignored

  std::vector<Setter> setters;
  std::vector<AdapterEntry> entries = adapters()[op];
  for (const AdapterEntry& a : struct_adapters()[T::kName]) entries.push_back(a);
  for (const AdapterEntry& a : entries) {
    std::vector<size_t> params;
    for (const std::string& p : a.params) {
      params.push_back(sig.index(p));
      claimed[params.back()] = true;
    }
    setters.push_back([op, params, fn = a.fn](const Call& call, const std::vector<Tensor>& inputs, Attrs& attrs) {
      fn(AdapterContext{op, call, params, inputs}, attrs);
    });
  }
  T probe{};
  for (size_t i = 0; i < sig.params.size(); ++i) {
    if (claimed[i]) continue;
    size_t field = 0, found = SIZE_MAX;
    for_each_attr_field(probe, [&](const char* f, auto& value) {
      if (kPlainField<std::decay_t<decltype(value)>> && sig.params[i] == f) found = field;
      ++field;
    });
    if (found == SIZE_MAX) continue;  // a tensor input
    claimed[i] = true;
    setters.push_back([op, i, found](const Call& call, const std::vector<Tensor>&, Attrs& attrs) {
      py::handle h = call[i];
      size_t field = 0;
      for_each_attr_field(attrs_as<T>(op, attrs), [&](const char* f, auto& value) {
        using F = std::decay_t<decltype(value)>;
        if constexpr (kPlainField<F>)  // None keeps the default, except a seed's (None is a rule of its own)
          if (field == found && (std::is_same_v<F, ops::RandomSeed> || !h.is_none())) set_field(value, h, op_def(op).name, f);
        ++field;
      });
    });
  }
  std::vector<size_t> inputs;
  for (size_t i = 0; i < sig.params.size(); ++i)
    if (!claimed[i]) inputs.push_back(i);
  if (std::strcmp(op_def(op).family, "optim") == 0) {
    define(m, sig, signature + "\n\n" + doc, update_body<T>(op, sig, inputs, setters));
    return;
  }
  const int n = op_def(op).num_inputs;
  if (n < 0 ? inputs.size() != 1 : inputs.size() != static_cast<size_t>(n))
    py::pybind11_fail(str_cat(name, ": the signature '", signature, "' has ", inputs.size(),
                              " tensor arguments, the registry row ", n));
  const bool list = op == OpId::unstack || op == OpId::split;
  const bool tuple = std::strcmp(op_def(op).family, "rnn") == 0;  // (sequence, states...)
  define(m, sig, doc.find(signature) == 0 ? doc : signature + "\n\n" + doc, [op, inputs, setters, list, tuple](const Call& call) -> py::object {
    std::vector<Tensor> in = convert_inputs(op, call, inputs);
    Attrs attrs{T{}};
    for (const Setter& s : setters) s(call, in, attrs);
    std::vector<Tensor> out;
    {
      graph::PythonOpCall from_python(op);
      out = ops::invoke(op, in, attrs);
    }
    if (list) return py::cast(out);
    if (tuple) return py::tuple(py::cast(out));
    return py::cast(std::move(out[0]));
  });
}

}  // namespace

size_t Signature::index(const std::string& param) const {
  for (size_t i = 0; i < params.size(); ++i)
    if (params[i] == param) return i;
  py::pybind11_fail(str_cat(function, ": the signature has no parameter '", param, "'"));
}

void def_function(py::module_& m, const std::string& signature, const char* doc,
                  std::function<py::object(const Call&)> body) {
  define(m, parse_signature(signature), signature + "\n\n" + doc, std::move(body));
}

void def_function(py::module_& m, const char* name, std::function<py::object(const Call&)> body) {
  const std::string doc = op_doc(name);
  if (doc.empty()) py::pybind11_fail(str_cat(name, ": no docstring (its family file's define_op(...).doc, or bindings/function_docs.h)"));
  define(m, parse_signature(doc.substr(0, doc.find('\n'))), doc, std::move(body));
}

void add_adapter(std::initializer_list<OpId> ops, std::vector<std::string> params, Adapter fn) {
  for (OpId op : ops) adapters()[op].push_back({params, fn});
}

void add_adapter(const std::string& attrs, std::vector<std::string> params, Adapter fn) {
  struct_adapters()[attrs].push_back({std::move(params), std::move(fn)});
}

std::vector<std::pair<const char*, const char*>> attr_parameters(OpId op) {
  std::vector<std::pair<const char*, const char*>> fields;
  switch (op) {
#define PT_OP_FIELDS(name, family, n, diff, attr) \
  case OpId::name: fields = plain_fields<attrs::attr>(); break;
    PT_OP_LIST(PT_OP_FIELDS)
#undef PT_OP_FIELDS
    case OpId::kCount: break;
  }
  const auto by_op = adapters().find(op);
  const auto by_struct = struct_adapters().find(op_def(op).attrs);
  const auto adapted = [&](const char* field) {
    for (const auto* entries : {by_op == adapters().end() ? nullptr : &by_op->second,
                                by_struct == struct_adapters().end() ? nullptr : &by_struct->second})
      for (size_t k = 0; entries && k < entries->size(); ++k)
        if (std::find((*entries)[k].params.begin(), (*entries)[k].params.end(), field) != (*entries)[k].params.end())
          return true;
    return false;
  };
  fields.erase(std::remove_if(fields.begin(), fields.end(), [&](const auto& f) { return adapted(f.first); }),
               fields.end());
  return fields;
}

void bind_registry_ops(py::module_& m) {
#define PT_BIND_OP(name, family, n, diff, attr) bind_op<attrs::attr>(m, OpId::name);
  PT_OP_LIST(PT_BIND_OP)
#undef PT_BIND_OP
}

int64_t int_arg(py::handle obj, const char* op, const char* what) {
  if (is_tensor_like(obj)) {
    Tensor t = to_tensor(obj, std::nullopt, op);
    if (!is_integer(t.dtype()) || t.numel() != 1)
      throw TypeError(str_cat(op, ": ", what, " must be an integer, got a tensor of dtype ", dtype_name(t.dtype()),
                              " and shape ", shape_str(t.shape())));
    return *ops::cast(ops::to_host(t), DType::Int64).data<int64_t>();
  }
  if (PyBool_Check(obj.ptr()) || !PyIndex_Check(obj.ptr()))
    throw TypeError(str_cat(op, ": ", what, " must be an integer, got ", std::string(py::repr(obj))));
  return int64_from_py(obj, op, what);
}

DType dtype_arg(py::handle h, const char* op, const char* what) {
  try {
    return dtype_from_py(h);
  } catch (const TypeError& e) {
    throw TypeError(str_cat(op, ": ", what, ": ", e.what()));
  } catch (py::error_already_set& e) {
    if (!e.matches(PyExc_TypeError) && !e.matches(PyExc_ValueError)) throw;
    throw TypeError(str_cat(op, ": ", what, ": ", std::string(py::str(e.value()))));
  }
}

std::vector<int64_t> spatial_arg(py::handle obj, const char* what, const char* op) {
  auto v = axes_from_py(obj, op);
  check_arg(v.has_value(), op, ": ", what, " is required (an int or a list of 1, 2 or 4 ints)");
  return *v;
}

}  // namespace pt::bind
