#include "convert.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

#include "../core/device.h"
#include "../core/variable.h"
#include "../graph/capture.h"

namespace pt::bind {

PyTypeObject* g_tensor_type = nullptr;
PyTypeObject* g_variable_type = nullptr;

namespace {

// Leaked on purpose: Python objects must not be released after the interpreter finalizes.
std::unordered_map<std::string, py::object>& registry() {
  static auto* r = new std::unordered_map<std::string, py::object>();
  return *r;
}
py::object* dtype_objects() {
  static auto* objs = new py::object[kNumDTypes];
  return objs;
}

/** The other spellings of each dtype (pytensor/dtypes.py installs them), so dtype arguments resolve in C++. */
struct DTypeAliases {
  std::unordered_map<std::string, DType> names;       // "float32", "float", "double", ...
  std::vector<std::pair<py::object, DType>> objects;  // numpy dtypes and scalar types, Python types: by identity
};
DTypeAliases& dtype_aliases() {
  static auto* aliases = new DTypeAliases();
  return *aliases;
}

/** The dtype of one of the six DType objects, or nullopt. */
std::optional<DType> dtype_of_object(py::handle obj) {
  for (int i = 0; i < kNumDTypes; ++i)
    if (dtype_objects()[i].ptr() == obj.ptr()) return static_cast<DType>(i);
  return std::nullopt;
}

template <class T> void fill_scalar(const Tensor& t, T v) { *t.data<T>() = v; }

Tensor scalar_tensor(double v, DType dt) {
  if (computes_in_float32(dt) || is_complex(dt)) return ops::cast(scalar_tensor(v, DType::Float64), dt);
  Tensor t = Tensor::empty({}, dt);
  PT_DISPATCH_ALL(dt, "convert_to_tensor", fill_scalar<scalar_t>(t, static_cast<scalar_t>(v)));
  return t;
}

Tensor int_scalar_tensor(int64_t v, DType dt) {
  if (computes_in_float32(dt) || is_complex(dt)) return ops::cast(int_scalar_tensor(v, DType::Int64), dt);
  Tensor t = Tensor::empty({}, dt);
  PT_DISPATCH_ALL(dt, "convert_to_tensor", fill_scalar<scalar_t>(t, static_cast<scalar_t>(v)));
  return t;
}

[[noreturn]] void float_to_int_error(const char* op, py::handle obj, DType dt) {
  throw TypeError(str_cat(op, ": cannot convert ", std::string(py::repr(obj)), " (a float) to a tensor of dtype ",
                          dtype_name(dt), "; use a float dtype or pt.cast the result"));
}

// ---- nested Python lists: infer shape and kind, then fill ----
enum class Kind { Bool = 0, Int = 1, Float = 2 };

/** What a scan of nested lists found: the shape, the widest kind, and the range of the Python ints. */
struct ListScan {
  Shape shape;
  Kind kind = Kind::Bool;
  int64_t int_min = 0, int_max = 0;
};

/** TF's ValueError for nested sequences that make no tensor (its wording first, as programs print it). */
[[noreturn]] void ragged_error(bool mixed) {
  throw py::value_error(mixed ? "Can't convert Python sequence with mixed types to Tensor. (convert_to_tensor: "
                                "scalars and sequences sit at the same depth; a tensor's nesting must be uniform)"
                              : "Can't convert non-rectangular Python sequence to Tensor. (convert_to_tensor: "
                                "rows have different lengths; tf.ragged.constant makes a RaggedTensor of them)");
}

/**
 * Scans nested lists / tuples with an explicit stack (no C recursion, so any nesting depth is safe), up to
 * kMaxRank levels. Returns false at the first item that is not a list, tuple, bool, int or float (numpy
 * scalars, tensors, ...), for numpy to assemble. Python ints outside int64 are a ValueError, as in TF.
 */
bool scan_list(py::handle root, ListScan& scan) {
  struct Frame { PyObject* seq; Py_ssize_t next; };
  std::vector<Frame> stack;
  bool any_int = false;
  bool leaves = false;  // a scalar seen: the rank is settled ([1, [2, 3]] must not grow it)
  PyObject* obj = root.ptr();
  while (true) {
    const size_t depth = stack.size();
    if (PyList_Check(obj) || PyTuple_Check(obj)) {
      const int64_t n = PySequence_Fast_GET_SIZE(obj);
      if (depth == scan.shape.size()) {
        if (leaves) ragged_error(true);
        if (static_cast<int64_t>(depth) == kMaxRank)
          throw InvalidArgument(str_cat("convert_to_tensor: nested sequences are more than ", kMaxRank,
                                        " levels deep; a tensor has at most ", kMaxRank, " dimensions"));
        scan.shape.push_back(n);
      } else if (depth > scan.shape.size()) {
        ragged_error(true);
      } else if (scan.shape[depth] != n) {
        ragged_error(false);
      }
      stack.push_back({obj, 0});
    } else {
      if (depth != scan.shape.size()) ragged_error(false);
      leaves = true;
      if (PyFloat_CheckExact(obj)) {  // numpy's float64 scalars subclass float: numpy keeps their dtype
        scan.kind = Kind::Float;
      } else if (PyLong_Check(obj) && !PyBool_Check(obj)) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
        if (overflow)
          throw InvalidArgument(str_cat("convert_to_tensor: Python integer ", std::string(py::repr(obj)),
                                        " in a sequence does not fit in int64; can't convert it to a tensor"));
        scan.kind = std::max(scan.kind, Kind::Int);
        scan.int_min = any_int ? std::min<int64_t>(scan.int_min, v) : v;
        scan.int_max = any_int ? std::max<int64_t>(scan.int_max, v) : v;
        any_int = true;
      } else if (!PyBool_Check(obj)) {
        return false;
      }
    }
    // The next item: pop finished sequences, then descend into the next item of the innermost one.
    while (!stack.empty() && stack.back().next == PySequence_Fast_GET_SIZE(stack.back().seq)) stack.pop_back();
    if (stack.empty()) return true;
    obj = PySequence_Fast_ITEMS(stack.back().seq)[stack.back().next++];
  }
}

/** The Python ints dtype `dt` holds (int64's range for the others: uint64 above it is not read). */
std::pair<int64_t, int64_t> int_range(DType dt) {
  switch (dt) {
    case DType::Int8: return {INT8_MIN, INT8_MAX};
    case DType::UInt8: return {0, UINT8_MAX};
    case DType::Int16: return {INT16_MIN, INT16_MAX};
    case DType::UInt16: return {0, UINT16_MAX};
    case DType::Int32: return {INT32_MIN, INT32_MAX};
    case DType::UInt32: return {0, UINT32_MAX};
    case DType::UInt64: return {0, INT64_MAX};
    default: return {INT64_MIN, INT64_MAX};
  }
}

/** Throws InvalidArgument naming `op` unless every Python int of `scan` fits `dt` (TF's ranges; floats take any). */
void check_int_range(const ListScan& scan, DType dt, const char* op) {
  if (scan.kind != Kind::Int) return;
  const auto [lo, hi] = int_range(dt);
  if (scan.int_min < lo || scan.int_max > hi)
    throw InvalidArgument(str_cat(op, ": Python integer ", scan.int_min < lo ? scan.int_min : scan.int_max,
                                  " is out of range for dtype ", dtype_name(dt), " (", lo, " to ", hi,
                                  "); use a wider dtype"));
}

/** Writes the scalars of nested lists (already scanned: rectangular, at most kMaxRank deep) in row-major order. */
template <class T> void fill_list(py::handle obj, T*& out) {
  if (PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())) {
    for (py::handle item : py::reinterpret_borrow<py::sequence>(obj)) fill_list(item, out);
    return;
  }
  if (PyFloat_Check(obj.ptr())) *out++ = static_cast<T>(PyFloat_AS_DOUBLE(obj.ptr()));
  else if (PyBool_Check(obj.ptr())) *out++ = static_cast<T>(obj.ptr() == Py_True);
  else *out++ = static_cast<T>(PyLong_AsLongLong(obj.ptr()));
}

DType format_to_dtype(const std::string& fmt_in, ssize_t itemsize) {
  std::string fmt = fmt_in;
  if (!fmt.empty() && (fmt[0] == '<' || fmt[0] == '=' || fmt[0] == '@' || fmt[0] == '|')) fmt = fmt.substr(1);
  if (fmt == "?") return DType::Bool;
  if (fmt == "B") return DType::UInt8;
  if (fmt == "f") return DType::Float32;
  if (fmt == "d") return DType::Float64;
  if (fmt == "e") return DType::Float16;
  if (fmt == "b") return DType::Int8;
  if (fmt == "h") return DType::Int16;
  if (fmt == "H") return DType::UInt16;
  if (fmt == "Zf") return DType::Complex64;
  if (fmt == "Zd") return DType::Complex128;
  if ((fmt == "i" || fmt == "l" || fmt == "q") && itemsize == 4) return DType::Int32;
  if ((fmt == "i" || fmt == "l" || fmt == "q") && itemsize == 8) return DType::Int64;
  if ((fmt == "I" || fmt == "L" || fmt == "Q") && itemsize == 4) return DType::UInt32;
  if ((fmt == "I" || fmt == "L" || fmt == "Q") && itemsize == 8) return DType::UInt64;
  throw TypeError(str_cat("convert_to_tensor: unsupported element format '", fmt_in,
                          "' (itemsize ", itemsize, "); supported dtypes are bool, the (unsigned) integers of 8 to "
                          "64 bits, float16, bfloat16, float32, float64, complex64 and complex128 — convert first, "
                          "e.g. array.astype(np.float32)"));
}

Tensor from_buffer(py::handle obj) {
  Py_buffer view;
  if (PyObject_GetBuffer(obj.ptr(), &view, PyBUF_RECORDS_RO) != 0) {
    // numpy exports no buffer of ml_dtypes' bfloat16: read its 16-bit words, then name them bfloat16.
    py::error_already_set no_buffer;  // takes the error, so Python can run below
    py::object dtype = py::getattr(obj, "dtype", py::none());
    if (dtype.is_none() || std::string(py::str(dtype)) != "bfloat16") throw no_buffer;
    Tensor bits = from_buffer(obj.attr("view")("uint16"));
    return Tensor::from_storage(bits.storage(), bits.shape(), bits.strides(), bits.offset(), DType::BFloat16);
  }
  struct Release { Py_buffer* v; ~Release() { PyBuffer_Release(v); } } release{&view};
  DType dt = format_to_dtype(view.format ? view.format : "B", view.itemsize);
  Shape shape(view.shape, view.shape + view.ndim);
  Strides strides(view.ndim);
  for (int i = 0; i < view.ndim; ++i) {
    if (view.strides[i] % view.itemsize != 0)
      throw TypeError("convert_to_tensor: buffer strides are not a multiple of its item size; copy it first");
    strides[i] = view.strides[i] / view.itemsize;
  }
  Tensor out = Tensor::empty(shape, dt);
  if (out.numel() == 0) return out;
  // A temporary view of the foreign memory, copied into our own storage.
  int64_t lo = 0, hi = 0;
  for (int i = 0; i < view.ndim; ++i) (strides[i] < 0 ? lo : hi) += strides[i] * (shape[i] - 1);
  auto borrowed = Storage::borrow(static_cast<char*>(view.buf) + lo * view.itemsize,
                                  static_cast<size_t>((hi - lo + 1) * view.itemsize), Device::CPU, nullptr, nullptr);
  ops::copy_into(out, Tensor::from_storage(borrowed, shape, strides, -lo, dt));
  return out;
}

Tensor from_python_scalar(py::handle obj, std::optional<DType> dtype, const char* op) {
  PyObject* p = obj.ptr();
  if (PyBool_Check(p)) return int_scalar_tensor(p == Py_True, dtype.value_or(DType::Bool));
  if (PyFloat_Check(p)) {
    DType dt = dtype.value_or(DType::Float32);
    double v = PyFloat_AS_DOUBLE(p);
    if (!is_floating(dt) && !is_complex(dt) && dt != DType::Bool) float_to_int_error(op, obj, dt);
    return scalar_tensor(v, dt);
  }
  // int
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
  if (overflow) throw InvalidArgument(str_cat(op, ": Python integer ", std::string(py::repr(obj)), " does not fit in int64"));
  DType dt = dtype.value_or((v >= INT32_MIN && v <= INT32_MAX) ? DType::Int32 : DType::Int64);
  if (is_floating(dt) || is_complex(dt)) return scalar_tensor(static_cast<double>(v), dt);
  if (v < int_range(dt).first || v > int_range(dt).second)
    throw InvalidArgument(str_cat(op, ": Python integer ", v, " is out of range for dtype ", dtype_name(dt)));
  return int_scalar_tensor(v, dt);
}

/** A conversion that may change dtype: numeric values may widen or narrow, floats never become ints. */
Tensor convert_dtype(const Tensor& t, std::optional<DType> dtype, const char* op) {
  if (!dtype || *dtype == t.dtype()) return t;
  if (is_floating(t.dtype()) && !is_floating(*dtype) && *dtype != DType::Bool)
    throw TypeError(str_cat(op, ": cannot convert a float value of shape ", shape_str(t.shape()), " to dtype ",
                            dtype_name(*dtype), " without losing the fraction; cast explicitly with pt.cast"));
  return ops::cast(t, *dtype);
}

}  // namespace

py::object registered(const char* name) {
  auto it = registry().find(name);
  if (it == registry().end())
    throw RuntimeError(str_cat("pytensor._core: '", name, "' was not registered; import pytensor, not pytensor._core"));
  return it->second;
}

void register_object(const std::string& name, py::object obj) { registry()[name] = std::move(obj); }

void set_dtype_objects(py::list objs) {
  if (py::len(objs) != kNumDTypes) throw InvalidArgument("_set_dtype_objects: expected one object per dtype");
  for (int i = 0; i < kNumDTypes; ++i) dtype_objects()[i] = objs[i];
}

void set_dtype_aliases(py::list aliases) {
  DTypeAliases fresh;
  for (py::handle pair : aliases) {
    auto item = py::reinterpret_borrow<py::tuple>(pair);
    std::optional<DType> dt = dtype_of_object(item[1]);
    if (!dt) throw InvalidArgument("_set_dtype_aliases: expected (alias, DType) pairs");
    if (PyUnicode_Check(item[0].ptr())) fresh.names[item[0].cast<std::string>()] = *dt;
    else fresh.objects.emplace_back(py::reinterpret_borrow<py::object>(item[0]), *dt);
  }
  dtype_aliases() = std::move(fresh);
}

py::object dtype_object(DType dt) { return dtype_objects()[static_cast<int>(dt)]; }

DType dtype_from_py(py::handle obj) {
  if (std::optional<DType> dt = dtype_of_object(obj)) return *dt;
  const DTypeAliases& aliases = dtype_aliases();
  if (PyUnicode_Check(obj.ptr())) {
    Py_ssize_t size = 0;
    const char* name = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
    if (!name) throw py::error_already_set();
    auto it = aliases.names.find(std::string(name, static_cast<size_t>(size)));
    if (it != aliases.names.end()) return it->second;
  } else {
    for (const auto& [alias, dt] : aliases.objects)
      if (alias.ptr() == obj.ptr()) return dt;
  }
  // Other spellings (np.dtype(">f4"), "f4", ...) and the errors for what names no dtype: pytensor.dtypes.as_dtype.
  py::object d = registered("as_dtype")(obj);
  if (std::optional<DType> dt = dtype_of_object(d)) return *dt;
  throw TypeError(str_cat("cannot interpret ", std::string(py::repr(obj)), " as a dtype"));
}

std::optional<DType> optional_dtype(py::handle obj) {
  if (obj.is_none()) return std::nullopt;
  return dtype_from_py(obj);
}

bool is_tensor_like(py::handle obj) { return as_tensor(obj) || as_variable(obj); }

Tensor to_tensor(py::handle obj, std::optional<DType> dtype, const char* op) {
  if (const Tensor* tp = as_tensor(obj)) {
    const Tensor& t = *tp;
    if (dtype && *dtype != t.dtype())
      throw TypeError(str_cat(op, ": expected a tensor of dtype ", dtype_name(*dtype), ", got dtype ",
                              dtype_name(t.dtype()), " (shape ", shape_str(t.shape()),
                              "); cast it with pt.cast(x, pt.", dtype_name(*dtype), ")"));
    return t;
  }
  if (const Variable* v = as_variable(obj)) {
    Tensor t = v->read();
    if (dtype && *dtype != t.dtype())
      throw TypeError(str_cat(op, ": expected a tensor of dtype ", dtype_name(*dtype), ", got a Variable of dtype ",
                              dtype_name(t.dtype()), "; cast it with pt.cast(v, pt.", dtype_name(*dtype), ")"));
    return t;
  }
  // New tensors from host data go to this thread's device (tf.device's scope; a GPU by default where one exists).
  const Tensor t = to_tensor_cast(obj, dtype, op);
  if (default_device() == Device::CPU) return t;
  Tensor on_device = copy_to_device(ops::contiguous(t), default_device());
  graph::note_literal(on_device);
  return on_device;
}

namespace {
/** A tensor of Python data: a number, a (nested) list, an array. */
Tensor from_host_data(py::handle obj, std::optional<DType> dtype, const char* op);
}  // namespace

Tensor to_tensor_cast(py::handle obj, std::optional<DType> dtype, const char* op) {
  if (const Tensor* t = as_tensor(obj)) return dtype ? ops::cast(*t, *dtype) : *t;
  if (const Variable* v = as_variable(obj)) return dtype ? ops::cast(v->read(), *dtype) : v->read();
  Tensor t = from_host_data(obj, dtype, op);
  graph::note_literal(t);  // a trace's literal: its number came from the function's text, not from a size
  return t;
}

namespace {
Tensor from_host_data(py::handle obj, std::optional<DType> dtype, const char* op) {
  PyObject* p = obj.ptr();
  // numpy's float64 scalars subclass float: they go to the buffer path below, which keeps float64 (as TF)
  if (PyBool_Check(p) || PyLong_Check(p) || PyFloat_CheckExact(p)) return from_python_scalar(obj, dtype, op);
  if (PyUnicode_Check(p) || PyBytes_Check(p) || p == Py_None)
    throw TypeError(str_cat(op, ": cannot convert ", std::string(py::repr(obj)), " (", Py_TYPE(p)->tp_name,
                            ") to a numeric tensor; string tensors are not supported by this op"));
  if (PyList_Check(p) || PyTuple_Check(p)) {
    ListScan scan;
    if (scan_list(obj, scan)) {
      // Python ints become int32, or int64 where one does not fit int32 (TF's rule).
      const DType int_natural = scan.int_min < INT32_MIN || scan.int_max > INT32_MAX ? DType::Int64 : DType::Int32;
      DType natural = scan.kind == Kind::Float ? DType::Float32 : scan.kind == Kind::Int ? int_natural : DType::Bool;
      if (numel(scan.shape) == 0) natural = DType::Float32;
      DType dt = dtype.value_or(natural);
      if (scan.kind == Kind::Float && !is_floating(dt) && !is_complex(dt) && dt != DType::Bool)
        float_to_int_error(op, obj, dt);
      check_int_range(scan, dt, op);
      // float16 / bfloat16 are filled in float64, then rounded; complex ones from float64 too.
      Tensor t = Tensor::empty(scan.shape, computes_in_float32(dt) || is_complex(dt) ? DType::Float64 : dt);
      PT_DISPATCH_ALL(t.dtype(), op, {
        scalar_t* out = t.data<scalar_t>();
        fill_list<scalar_t>(obj, out);
      });
      if (PyErr_Occurred()) throw py::error_already_set();
      return t.dtype() == dt ? t : ops::cast(t, dt);
    }
  }
  if (PyObject_CheckBuffer(p)) return convert_dtype(from_buffer(obj), dtype, op);
  if (PyObject_HasAttrString(p, "_pytensor_symbolic_message"))  // a symbolic type with its own advice
    throw SymbolicOperand(str_cat(op, ": ", std::string(py::repr(obj)), " ",
                                  std::string(py::str(obj.attr("_pytensor_symbolic_message")))));
  if (PyObject_HasAttrString(p, "_pytensor_symbolic"))
    throw SymbolicOperand(str_cat(op, ": ", std::string(py::repr(obj)), " is a symbolic tensor of Keras's functional API: "
                            "it has no values for ops to compute with. Put the op in a layer, e.g. "
                            "keras.layers.Lambda(lambda t: tf.nn.relu(t))(x); Python operators (+ - * / ** @ [] "
                            "and unary -, abs) on KerasTensors build such layers themselves."));
  // Anything else (lists of tensors or numpy scalars, torch tensors, ...): numpy assembles it.
  py::object arr = registered("to_numpy")(obj);
  if (!PyObject_CheckBuffer(arr.ptr()))
    throw TypeError(str_cat(op, ": cannot convert an object of type ", Py_TYPE(obj.ptr())->tp_name,
                            " to a tensor"));
  return convert_dtype(from_buffer(arr), dtype, op);
}
}  // namespace

int64_t int64_from_py(py::handle obj, const char* op, const char* what) {
  py::object value = PyLong_Check(obj.ptr()) ? py::reinterpret_borrow<py::object>(obj)
                                              : py::reinterpret_steal<py::object>(PyNumber_Index(obj.ptr()));
  if (!value) {
    PyErr_Clear();
    throw TypeError(str_cat(op, ": ", what, " must be an integer, got ", std::string(py::repr(obj)), " (",
                            Py_TYPE(obj.ptr())->tp_name, ")"));
  }
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow)
    throw InvalidArgument(str_cat(op, ": ", what, " ", std::string(py::repr(obj)), " does not fit in int64"));
  return v;
}

Shape shape_from_py(py::handle obj, const char* op) {
  if (PyLong_Check(obj.ptr())) return Shape{int64_from_py(obj, op, "shape")};
  if (PyTuple_Check(obj.ptr()) || PyList_Check(obj.ptr())) {
    // Fast path: a tuple / list (TensorShape included) of Python ints, read without conversions.
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(obj.ptr());
    PyObject** items = PySequence_Fast_ITEMS(obj.ptr());
    Shape shape(static_cast<size_t>(n));
    bool plain = true;
    for (Py_ssize_t i = 0; i < n && plain; ++i) {
      plain = PyLong_CheckExact(items[i]);
      if (plain) shape[i] = int64_from_py(items[i], op, "shape entry");
    }
    if (plain) return shape;
  }
  if (py::hasattr(obj, "as_list") && !is_tensor_like(obj)) {
    py::object lst = obj.attr("as_list")();
    return shape_from_py(lst, op);
  }
  if (is_tensor_like(obj)) {
    Tensor t = ops::contiguous(to_tensor(obj, std::nullopt, op));
    if (!is_integer(t.dtype()) || t.ndim() > 1)
      throw TypeError(str_cat(op, ": a shape tensor must be a 1-D integer tensor, got dtype ", dtype_name(t.dtype()),
                              " and shape ", shape_str(t.shape())));
    Tensor t64 = ops::cast(ops::to_host(t), DType::Int64);
    const int64_t* d = t64.data<int64_t>();
    return Shape(d, d + t64.numel());
  }
  if (!py::isinstance<py::sequence>(obj) || py::isinstance<py::str>(obj))
    throw TypeError(str_cat(op, ": expected a shape (tuple or list of ints), got ", std::string(py::repr(obj))));
  // Hold each item as an owning object: a numpy array's items are fresh objects, not borrowed references.
  Shape shape;
  for (py::handle borrowed : py::iter(obj)) {
    py::object item = py::reinterpret_borrow<py::object>(borrowed);
    if (item.is_none())
      throw InvalidArgument(str_cat(op, ": shape ", std::string(py::repr(obj)), " has an unknown (None) dimension"));
    shape.push_back(int64_from_py(item, op, "shape entry"));
  }
  return shape;
}

std::optional<ops::Seed> seed_from_py(py::handle seed, const char* op) {
  if (seed.is_none()) return std::nullopt;
  PyObject* p = seed.ptr();
  auto value = py::reinterpret_steal<py::object>(PyLong_CheckExact(p) ? (Py_INCREF(p), p) : PyNumber_Long(p));
  if (!value) {
    if (!PyErr_ExceptionMatches(PyExc_TypeError) && !PyErr_ExceptionMatches(PyExc_ValueError))
      throw py::error_already_set();
    PyErr_Clear();
    throw TypeError(str_cat(op, ": a seed must be an integer or None, got ", std::string(py::repr(seed))));
  }
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (!overflow) return ops::Seed{static_cast<uint64_t>(v), v < 0};
  if (overflow > 0) {
    const unsigned long long u = PyLong_AsUnsignedLongLong(value.ptr());
    if (!(u == static_cast<unsigned long long>(-1) && PyErr_Occurred())) return ops::Seed{u, false};
    PyErr_Clear();
  }
  // Seeds are 64-bit: a larger one would silently alias the seed of its low 64 bits.
  throw InvalidArgument(str_cat(op, ": a seed must fit in 64 bits (from -2**63 to 2**64 - 1); got ",
                                std::string(py::str(value))));
}

ops::RandomSeed random_seed_from_py(py::handle seed) { return ops::resolve_seed(seed_from_py(seed, "random")); }

py::object seed_to_py(const ops::Seed& seed) {
  return py::reinterpret_steal<py::object>(seed.negative ? PyLong_FromLongLong(static_cast<int64_t>(seed.bits))
                                                         : PyLong_FromUnsignedLongLong(seed.bits));
}

std::optional<std::vector<int64_t>> axes_from_py(py::handle obj, const char* op) {
  if (obj.is_none()) return std::nullopt;
  if (PyLong_Check(obj.ptr())) return std::vector<int64_t>{int64_from_py(obj, op, "axis")};
  return shape_from_py(obj, op);
}

}  // namespace pt::bind
