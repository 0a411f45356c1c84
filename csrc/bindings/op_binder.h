#pragma once
/**
 * The generic binder: every registry op's `_core.<op>` function is made from its registry row, its attribute
 * struct's field description (PT_ATTR_FIELDS in ops/attrs.h) and its TF signature line (its family file's define_op(...).doc), and runs
 * through ops::invoke. A Python argument named like a field of the op's struct converts by the field's C++ type
 * (None keeps the struct's default); the other arguments, except `name`, are the op's tensor inputs in order. An
 * argument whose Python face differs from its field (TF's `strides` of 1, 2 or 4 ints, `axis=None` meaning every
 * axis...) is converted by an adapter a family binding file registers, once per (op, argument names). Functions
 * that are not one registry op call def_function with a body of their own, parsed by the same signature.
 */
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "../ops/attrs.h"
#include "../ops/invoke.h"
#include "convert.h"

namespace pt::bind {

/** A bound function's Python parameters, parsed from its signature line ("conv2d(input, filters, ...)"). */
struct Signature {
  std::string function;
  std::vector<std::string> params;
  std::vector<py::object> defaults;  // null: required
  /** The position of parameter `param`; ImportError (a binding bug) when the signature lacks it. */
  size_t index(const std::string& param) const;
};

/** One call's arguments in signature order, defaults filled in. */
class Call {
 public:
  explicit Call(PyObject* const* args) : args_(args) {}
  py::handle operator[](size_t i) const { return args_[i]; }

 private:
  PyObject* const* args_;
};

/** Binds `body` as m.<function>: positional or keyword arguments by the signature's names, its defaults, `doc`. */
void def_function(py::module_& m, const std::string& signature, const char* doc,
                  std::function<py::object(const Call&)> body);
/** def_function with the signature and docstring documented for `name` (bindings/docs.h). */
void def_function(py::module_& m, const char* name, std::function<py::object(const Call&)> body);

/** What an adapter sees: the op, the call, the positions of the arguments it converts, the converted inputs. */
struct AdapterContext {
  OpId op;
  const Call& call;
  const std::vector<size_t>& params;
  const std::vector<Tensor>& inputs;
  /** Argument i of the adapter's list. */
  py::handle arg(size_t i) const { return call[params[i]]; }
  const char* name() const { return op_def(op).name; }
};

/** Converts the arguments `params` of `op` into its attributes (attrs holds op's struct). */
using Adapter = std::function<void(const AdapterContext& ctx, Attrs& attrs)>;
/** Registers an adapter for the Python arguments `params` of each op in `ops`; call before bind_registry_ops. */
void add_adapter(std::initializer_list<OpId> ops, std::vector<std::string> params, Adapter fn);
/** Registers an adapter for every op whose registry row names attribute struct `attrs` ("Conv2d"), new ones too. */
void add_adapter(const std::string& attrs, std::vector<std::string> params, Adapter fn);

/**
 * The fields of op's attribute struct that a Python argument of the same name converts to by type, as (name, kind):
 * kind "float", "int", "bool", "dtype", "shape", "string", "tensor" or "seed" (composite fields and the arguments an
 * adapter converts are not listed). op_registry() reports them; tests/test_invoke.py walks them with wrong types.
 */
std::vector<std::pair<const char*, const char*>> attr_parameters(OpId op);
/** An integer argument: a Python int (or __index__) or a 0-d integer tensor. */
int64_t int_arg(py::handle obj, const char* op, const char* what);
/**
 * A dtype argument; what pytensor.dtypes.as_dtype cannot read is TF's TypeError naming the op, the argument and
 * as_dtype's reason ("zeros: dtype: unknown dtype name 'f4' ...").
 */
DType dtype_arg(py::handle h, const char* op, const char* what);
/** A strides, dilations or ksize argument as the list TF's attribute holds (an int: one value); required. */
std::vector<int64_t> spatial_arg(py::handle obj, const char* what, const char* op);

}  // namespace pt::bind
