// The Tensor and Variable classes: conversion to numpy / DLPack, operators, indexing.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "../core/variable.h"
#include "../graph/capture.h"
#include "bindings.h"
#include "convert.h"
#include "docs.h"
#include "dlpack.h"

namespace pt::bind {

namespace {

/** The buffer-protocol format of a dtype; bfloat16 has none (numpy's comes from ml_dtypes): "H", its bits. */
const char* buffer_format(DType dt) {
  switch (dt) {
    case DType::Bool: return "?";
    case DType::UInt8: return "B";
    case DType::Int32: return "i";
    case DType::Int64: return "q";
    case DType::Float32: return "f";
    case DType::Float64: return "d";
    case DType::Float16: return "e";
    case DType::Int8: return "b";
    case DType::Int16: return "h";
    case DType::UInt16: case DType::BFloat16: return "H";
    case DType::UInt32: return "I";
    case DType::UInt64: return "Q";
    case DType::Complex64: return "Zf";
    case DType::Complex128: return "Zd";
  }
  return "B";
}

/**
 * A read-only numpy array viewing the tensor's memory; it keeps the storage alive. Tensors are immutable, so
 * numpy may not write through the view (nor through views of it: numpy refuses to make them writeable).
 */
py::array to_numpy(const Tensor& t_in) {
  const Tensor t = ops::to_host(t_in);
  std::vector<ssize_t> shape(t.shape().begin(), t.shape().end());
  std::vector<ssize_t> strides(t.ndim());
  for (int64_t i = 0; i < t.ndim(); ++i) strides[i] = t.strides()[i] * static_cast<ssize_t>(t.itemsize());
  auto* keep = new Tensor(t);
  py::capsule owner(keep, [](void* p) { delete static_cast<Tensor*>(p); });
  // numpy's dtype from its buffer format, but for the complex ones ("Zf" / "Zd": numpy reads only its names).
  py::dtype dtype = is_complex(t.dtype()) ? py::dtype(dtype_name(t.dtype())) : py::dtype(buffer_format(t.dtype()));
  py::array arr(dtype, shape, strides, t.raw_data(), owner);
  py::detail::array_proxy(arr.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  if (t.dtype() == DType::BFloat16) return arr.attr("view")(registered("numpy_bfloat16")());
  return arr;
}

/** What an exported DLPack capsule owns: the tensor (keeping its storage alive), its shape and strides. */
struct DLPackContext {
  Tensor tensor;
  std::vector<int64_t> shape, strides;
  dlpack::DLManagedTensor managed;
  dlpack::DLManagedTensorVersioned versioned;
};

/** Frees the export of a capsule no consumer took (a consumer renames it "used_<name>"). */
template <class Managed, const char* kName>
void release_unused_capsule(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, kName)) {
    auto* m = static_cast<Managed*>(PyCapsule_GetPointer(capsule, kName));
    if (m && m->deleter) m->deleter(m);
  }
}

constexpr char kLegacyCapsule[] = "dltensor";
constexpr char kVersionedCapsule[] = "dltensor_versioned";

/**
 * Exports `t` as a DLPack capsule sharing its memory: a legacy "dltensor" capsule, or with `versioned` a DLPack
 * 1.0 "dltensor_versioned" one carrying `flags` (read-only for views of an immutable tensor).
 */
py::capsule to_dlpack(const Tensor& t, bool versioned = false, uint64_t flags = 0) {
  auto* ctx = new DLPackContext{t, t.shape(), t.strides(), {}, {}};
  dlpack::DLTensor dl{};
  dl.data = t.storage()->data();
  dl.byte_offset = static_cast<uint64_t>(t.offset()) * t.itemsize();
  dl.device = {t.device() == Device::CPU ? dlpack::kDLCPU : dlpack::kDLCUDA, 0};
  dl.ndim = static_cast<int32_t>(t.ndim());
  const DType d = t.dtype();
  const bool is_unsigned = d == DType::UInt8 || d == DType::UInt16 || d == DType::UInt32 || d == DType::UInt64;
  uint8_t code = d == DType::Bool ? dlpack::kDLBool
                 : d == DType::BFloat16 ? dlpack::kDLBfloat
                 : is_complex(d) ? dlpack::kDLComplex
                 : is_floating(d) ? dlpack::kDLFloat
                 : is_unsigned ? dlpack::kDLUInt : dlpack::kDLInt;
  dl.dtype = {code, static_cast<uint8_t>(t.itemsize() * 8), 1};
  dl.shape = ctx->shape.data();
  dl.strides = ctx->strides.data();
  PyObject* cap;
  if (versioned) {
    ctx->versioned = {dlpack::kVersion, ctx, [](dlpack::DLManagedTensorVersioned* self) {
                        delete static_cast<DLPackContext*>(self->manager_ctx);
                      }, flags, dl};
    cap = PyCapsule_New(&ctx->versioned, kVersionedCapsule,
                        release_unused_capsule<dlpack::DLManagedTensorVersioned, kVersionedCapsule>);
  } else {
    ctx->managed = {dl, ctx, [](dlpack::DLManagedTensor* self) {
                      delete static_cast<DLPackContext*>(self->manager_ctx);
                    }};
    cap = PyCapsule_New(&ctx->managed, kLegacyCapsule, release_unused_capsule<dlpack::DLManagedTensor, kLegacyCapsule>);
  }
  if (!cap) {
    delete ctx;
    throw py::error_already_set();
  }
  return py::reinterpret_steal<py::capsule>(cap);
}

/** Whether a consumer's `max_version` (None or a (major, minor) tuple) accepts DLPack 1.0 capsules. */
bool accepts_versioned(py::handle max_version) {
  if (max_version.is_none()) return false;
  auto version = max_version.cast<std::pair<int, int>>();
  return version.first >= static_cast<int>(dlpack::kVersion.major);
}

Tensor from_dlpack(py::object obj) {
  py::object cap = py::hasattr(obj, "__dlpack__") ? obj.attr("__dlpack__")() : obj;
  if (!PyCapsule_IsValid(cap.ptr(), "dltensor"))
    throw TypeError("from_dlpack: expected an object with __dlpack__ or an unused 'dltensor' capsule");
  auto* m = static_cast<dlpack::DLManagedTensor*>(PyCapsule_GetPointer(cap.ptr(), "dltensor"));
  const auto& dl = m->dl_tensor;
  if (dl.device.device_type != dlpack::kDLCPU)
    throw Unimplemented("from_dlpack: only CPU tensors can be imported in this build");
  DType dt;
  int bits = dl.dtype.bits;
  if (dl.dtype.lanes != 1) throw TypeError("from_dlpack: vector (lanes > 1) dtypes are not supported");
  const uint8_t code = dl.dtype.code;
  if (code == dlpack::kDLBool && bits == 8) dt = DType::Bool;
  else if (code == dlpack::kDLUInt && bits == 8) dt = DType::UInt8;
  else if (code == dlpack::kDLUInt && bits == 16) dt = DType::UInt16;
  else if (code == dlpack::kDLUInt && bits == 32) dt = DType::UInt32;
  else if (code == dlpack::kDLUInt && bits == 64) dt = DType::UInt64;
  else if (code == dlpack::kDLInt && bits == 8) dt = DType::Int8;
  else if (code == dlpack::kDLInt && bits == 16) dt = DType::Int16;
  else if (code == dlpack::kDLInt && bits == 32) dt = DType::Int32;
  else if (code == dlpack::kDLInt && bits == 64) dt = DType::Int64;
  else if (code == dlpack::kDLFloat && bits == 16) dt = DType::Float16;
  else if (code == dlpack::kDLFloat && bits == 32) dt = DType::Float32;
  else if (code == dlpack::kDLFloat && bits == 64) dt = DType::Float64;
  else if (code == dlpack::kDLBfloat && bits == 16) dt = DType::BFloat16;
  else if (code == dlpack::kDLComplex && bits == 64) dt = DType::Complex64;
  else if (code == dlpack::kDLComplex && bits == 128) dt = DType::Complex128;
  else throw TypeError(str_cat("from_dlpack: unsupported DLPack dtype (code ", int(dl.dtype.code), ", bits ", bits, ")"));
  Shape shape(dl.shape, dl.shape + dl.ndim);
  Strides strides = dl.strides ? Strides(dl.strides, dl.strides + dl.ndim) : contiguous_strides(shape);
  size_t isz = itemsize(dt);
  if (dl.byte_offset % isz != 0) throw TypeError("from_dlpack: byte_offset is not a multiple of the item size");
  auto storage = Storage::borrow(dl.data, 0, Device::CPU,
                                 [](void*, void* ctx) {
                                   auto* mt = static_cast<dlpack::DLManagedTensor*>(ctx);
                                   if (mt->deleter) mt->deleter(mt);
                                 },
                                 m);
  PyCapsule_SetName(cap.ptr(), "used_dltensor");
  return Tensor::from_storage(storage, shape, strides, static_cast<int64_t>(dl.byte_offset / isz), dt);
}

/**
 * A TensorShape (a tuple subclass with no instance state) of `s`, allocated as its type and filled in place, as
 * tuple's own tp_new fills a subclass: no Python constructor runs and no intermediate tuple is built.
 */
py::object tensor_shape_object(const Shape& s) {
  static auto* cls = reinterpret_cast<PyTypeObject*>(registered("TensorShape").release().ptr());
  const auto n = static_cast<Py_ssize_t>(s.size());
  auto out = py::reinterpret_steal<py::object>(cls->tp_alloc(cls, n));
  if (!out) throw py::error_already_set();
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* dim = PyLong_FromLongLong(s[i]);
    if (!dim) throw py::error_already_set();
    PyTuple_SET_ITEM(out.ptr(), i, dim);
  }
  return out;
}

// ---- indexing ----
bool is_int_like(py::handle h) {
  if (PyBool_Check(h.ptr())) return false;
  if (PyLong_Check(h.ptr())) return true;
  if (const Tensor* tp = as_tensor(h)) {
    const Tensor& t = *tp;
    // A traced index (tf.function) is a value of the graph, not a number to bake into it: it gathers instead.
    if (graph::Capture* c = graph::Capture::active(); c && c->symbolic(t)) return false;
    return t.ndim() == 0 && (t.dtype() == DType::Int32 || t.dtype() == DType::Int64);
  }
  // numpy integer scalars: index-like, but also buffers (so check they are not sequences / arrays).
  if (!PyIndex_Check(h.ptr()) || PySequence_Check(h.ptr())) return false;
  if (!PyObject_CheckBuffer(h.ptr())) return true;
  py::object nd = py::getattr(h, "ndim", py::none());
  return !nd.is_none() && nd.cast<int>() == 0;
}

int64_t as_index(py::handle h) {
  if (const Tensor* tp = as_tensor(h)) {
    Tensor t = ops::cast(ops::to_host(*tp), DType::Int64);
    return *t.data<int64_t>();
  }
  return py::int_(py::reinterpret_borrow<py::object>(h)).cast<int64_t>();
}

std::optional<int64_t> slice_part(PyObject* p) {
  if (p == Py_None) return std::nullopt;
  return as_index(p);
}

/** Parses a subscript of ints, slices, ... and None; returns false if it holds something else. */
bool parse_basic_index(py::handle key, std::vector<ops::IndexItem>& items) {
  auto one = [&](py::handle k) {
    ops::IndexItem it{};
    if (k.ptr() == Py_Ellipsis) it.kind = ops::IndexItem::Ellipsis;
    else if (k.is_none()) it.kind = ops::IndexItem::NewAxis;
    else if (PySlice_Check(k.ptr())) {
      auto* s = reinterpret_cast<PySliceObject*>(k.ptr());
      it.kind = ops::IndexItem::Slice;
      it.start = slice_part(s->start);
      it.stop = slice_part(s->stop);
      it.step = slice_part(s->step);
    } else if (is_int_like(k)) {
      it.kind = ops::IndexItem::Int;
      it.index = as_index(k);
    } else {
      return false;
    }
    items.push_back(it);
    return true;
  };
  if (PyTuple_Check(key.ptr())) {
    for (py::handle k : py::reinterpret_borrow<py::tuple>(key))
      if (!one(k)) return false;
    return true;
  }
  return one(key);
}

Tensor getitem(const Tensor& x, py::handle key) {
  std::vector<ops::IndexItem> items;
  if (parse_basic_index(key, items)) return ops::strided_slice(x, items);
  // A boolean mask or integer index array on the first axes.
  Tensor idx = to_tensor(key, std::nullopt, "__getitem__");
  if (idx.dtype() == DType::Bool) return ops::boolean_mask(x, idx, 0);
  if (idx.dtype() == DType::Int32 || idx.dtype() == DType::Int64) return ops::gather(x, idx, 0, 0);
  throw TypeError(str_cat("__getitem__: only integers, slices (`:`), ellipsis (`...`), pt.newaxis (`None`), "
                          "integer tensors and boolean masks are valid indices, got ", std::string(py::repr(key))));
}

Tensor self_tensor(py::handle self) {
  if (const Tensor* t = as_tensor(self)) return *t;
  return as_variable(self)->read();
}

template <class Cls>
void bind_operators(Cls& cls) {
  auto bin = [](OpId op, bool reflected) {
    return [op, reflected](py::handle self, py::handle other) -> py::object {
      Tensor a = self_tensor(self);
      Tensor b;
      try {
        b = to_tensor(other, a.dtype(), op_def(op).name);
      } catch (const SymbolicOperand&) {
        return py::reinterpret_borrow<py::object>(Py_NotImplemented);
      }
      return py::cast(reflected ? ops::binary(op, b, a) : ops::binary(op, a, b));
    };
  };
#define PT_BIN(PY, OP) cls.def("__" PY "__", bin(OpId::OP, false)); cls.def("__r" PY "__", bin(OpId::OP, true));
  PT_BIN("add", add)
  PT_BIN("sub", subtract)
  PT_BIN("mul", multiply)
  PT_BIN("truediv", divide)
  PT_BIN("floordiv", floordiv)
  PT_BIN("mod", floormod)
  PT_BIN("pow", pow)
  PT_BIN("and", logical_and)
  PT_BIN("or", logical_or)
#undef PT_BIN
  cls.def("__xor__", [](py::handle self, py::handle other) {
    Tensor a = self_tensor(self);
    return ops::binary(OpId::not_equal, a, to_tensor(other, a.dtype(), "logical_xor"));
  });
  cls.def("__lt__", bin(OpId::less, false));
  cls.def("__le__", bin(OpId::less_equal, false));
  cls.def("__gt__", bin(OpId::greater, false));
  cls.def("__ge__", bin(OpId::greater_equal, false));
  auto eq = [](OpId op) {
    return [op](py::handle self, py::handle other) -> py::object {
      // TF2: comparing with None or an incompatible shape is plainly (not) equal.
      if (other.is_none()) return py::bool_(op == OpId::not_equal);
      Tensor a = self_tensor(self);
      Tensor b;
      try {
        b = to_tensor(other, a.dtype(), op_def(op).name);
      } catch (const TypeError&) {
        return py::bool_(op == OpId::not_equal);
      }
      if (b.ndim() > 0) graph::note_size_read(a);  // (whether the shapes broadcast decides what it returns)
      try {
        broadcast_shapes(a.shape(), b.shape(), op_def(op).name);
      } catch (const InvalidArgument&) {
        return py::bool_(op == OpId::not_equal);
      }
      return py::cast(ops::binary(op, a, b));
    };
  };
  cls.def("__eq__", eq(OpId::equal));
  cls.def("__ne__", eq(OpId::not_equal));
  cls.attr("__hash__") = py::none();
  cls.def("__matmul__", [](py::handle self, py::handle other) -> py::object {
    Tensor a = self_tensor(self);
    Tensor b;
    try {
      b = to_tensor(other, a.dtype(), "matmul");
    } catch (const SymbolicOperand&) {
      return py::reinterpret_borrow<py::object>(Py_NotImplemented);
    }
    return py::cast(ops::matmul(a, b, false, false));
  });
  cls.def("__rmatmul__", [](py::handle self, py::handle other) {
    Tensor a = self_tensor(self);
    return ops::matmul(to_tensor(other, a.dtype(), "matmul"), a, false, false);
  });
  cls.def("__neg__", [](py::handle self) { return ops::unary(OpId::negative, self_tensor(self)); });
  cls.def("__pos__", [](py::handle self) { return self_tensor(self); });
  cls.def("__abs__", [](py::handle self) { return ops::unary(OpId::abs, self_tensor(self)); });
  cls.def("__invert__", [](py::handle self) { return ops::unary(OpId::logical_not, self_tensor(self)); });
  cls.def("__getitem__", [](py::handle self, py::handle key) { return getitem(self_tensor(self), key); });
  cls.def_property_readonly("ndim", [](py::handle self) { return self_tensor(self).ndim(); });
  cls.def("_shape_tuple", [](py::handle self) {
    const Tensor& t = self_tensor(self);
    graph::note_size_read(t);
    return py::tuple(py::cast(t.shape()));
  });
  cls.def("__len__", [](py::handle self) {
    Tensor t = self_tensor(self);
    graph::note_size_read(t);
    if (t.ndim() == 0) throw TypeError("len() of a scalar (0-d) tensor is undefined");
    return t.dim(0);
  });
}

template <class T> py::object scalar_value(const Tensor& t) {
  return py::cast(*t.data<T>());
}

/**
 * TF's refusal to use a traced value (a tensor computed from a tf.function's inputs or variables while it is being
 * traced) as a Python value: its value in the graph is not known until the graph runs, and taking the trace's
 * numbers would freeze them into the graph. `error` names the registered Python class.
 */
void check_not_symbolic(const Tensor& t, const char* what, const char* error = "OperatorNotAllowedInGraphError") {
  graph::Capture* capture = graph::Capture::active();
  if (!capture || !capture->symbolic(t)) return;
  capture->raise_deferred(t);  // a traced op that failed a check of its input values computed it: that error
  std::string message = str_cat(what, " of a symbolic tf.Tensor (", capture->name_of(t), ") is not allowed while "
                                "tf.function traces its graph: its value is not known until the graph runs. Return "
                                "the tensor from the function, compute with tensor ops (tf.cast, tf.cond / "
                                "tf.while_loop for control flow, tf.print to print), wrap Python code that needs the "
                                "numbers in tf.py_function, or call tf.config.run_functions_eagerly(True) to debug "
                                "the function eagerly");
  PyErr_SetString(registered(error).ptr(), message.c_str());
  throw py::error_already_set();
}

py::object item(const Tensor& t, const char* what) {
  if (t.numel() != 1)
    throw InvalidArgument(str_cat(what, ": only a tensor with exactly one element can be converted to a Python "
                                        "scalar, got shape ", shape_str(t.shape())));
  Tensor c = ops::to_host(t);
  if (computes_in_float32(c.dtype())) c = ops::cast(c, DType::Float32);
  PT_DISPATCH_ALL(c.dtype(), what, return scalar_value<scalar_t>(c));
  return py::none();
}

/**
 * The number-protocol slot of a binary operator, installed directly on the Tensor type: Python's
 * `a + b` then skips the method lookup and bound-method call a `__add__` def costs (~0.2 µs).
 */
template <OpId OP>
PyObject* number_slot(PyObject* x, PyObject* y) {
  try {
    const Tensor* a = as_tensor(x);
    const Tensor* b = as_tensor(y);
    Tensor out;
    if (a && b) out = ops::binary(OP, *a, *b);
    else if (a) out = ops::binary(OP, *a, to_tensor(y, a->dtype(), op_def(OP).name));
    else if (b) out = ops::binary(OP, to_tensor(x, b->dtype(), op_def(OP).name), *b);
    else Py_RETURN_NOTIMPLEMENTED;
    return py::cast(std::move(out)).release().ptr();
  } catch (const SymbolicOperand&) {
    Py_RETURN_NOTIMPLEMENTED;  // the symbolic operand's reflected operator builds the node
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

/** The Tensor of a getter's `self` (CPython checked it is a Tensor); TypeError if its __init__ never ran. */
const Tensor& getter_self(PyObject* self) {
  const Tensor* t = instance_value<Tensor>(self);
  if (!t) throw TypeError("Tensor: the object was not initialised (a subclass's __init__ must call Tensor's)");
  return *t;
}

PyObject* tensor_shape_getter(PyObject* self, void*) {
  try {
    const Tensor& t = getter_self(self);
    graph::note_size_read(t);
    return tensor_shape_object(t.shape()).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

PyObject* tensor_dtype_getter(PyObject* self, void*) {
  try {
    return dtype_object(getter_self(self).dtype()).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (...) {
    py::detail::try_translate_exceptions();
  }
  return nullptr;
}

/**
 * Tensor.shape and Tensor.dtype as C getters in the type's dict: reading them skips pybind11's dispatch
 * (argument casting, overload loop), most of what a property read costs.
 */
void install_getters(PyTypeObject* type) {
  static PyGetSetDef getters[] = {
      {"shape", tensor_shape_getter, nullptr, "The tensor's dimensions, a TensorShape.", nullptr},
      {"dtype", tensor_dtype_getter, nullptr, "The element type (pt.float32, ...).", nullptr},
  };
  for (PyGetSetDef& def : getters) {
    auto descr = py::reinterpret_steal<py::object>(PyDescr_NewGetSet(type, &def));
    if (!descr || PyDict_SetItemString(type->tp_dict, def.name, descr.ptr()) != 0) throw py::error_already_set();
  }
  PyType_Modified(type);
}

void install_number_slots(PyTypeObject* type) {
  auto* heap = reinterpret_cast<PyHeapTypeObject*>(type);
  heap->as_number.nb_add = number_slot<OpId::add>;
  heap->as_number.nb_subtract = number_slot<OpId::subtract>;
  heap->as_number.nb_multiply = number_slot<OpId::multiply>;
  heap->as_number.nb_true_divide = number_slot<OpId::divide>;
  PyType_Modified(type);
}

}  // namespace

void bind_tensor(py::module_& m) {
  py::class_<Tensor> tensor(m, "Tensor", R"doc(An immutable multi-dimensional array, as tf.Tensor.

Tensors come from ops (pt.constant, pt.ones, x + y, ...) and never change: to hold state that changes, use a
pt.Variable. A tensor has a shape (a TensorShape), a dtype (pt.float32, ...) and lives on the CPU. numpy()
and np.asarray(t) view its memory read-only; Python operators, indexing (t[0, 1:]) and the buffer and DLPack
protocols work as in TensorFlow.

Example:
    >>> t = pt.constant([[1.0, 2.0], [3.0, 4.0]])
    >>> (t @ t + 1.0).numpy()
)doc", py::buffer_protocol(), py::dynamic_attr());
  g_tensor_type = reinterpret_cast<PyTypeObject*>(tensor.ptr());
  tensor.def(py::init([](const Tensor& t) { return t; }), py::arg("value"))
      .def("numpy", [](const Tensor& t) {
             if (graph::out_of_scope(t)) throw py::attribute_error("'SymbolicTensor' object has no attribute 'numpy'");
             check_not_symbolic(t, "numpy()");
             return to_numpy(t);
           },
           "numpy() -> np.ndarray\n\nThe tensor's values as a read-only numpy array sharing its memory (copy it "
           "to edit: t.numpy().copy()).")
      .def(
          "__array__",
          [](const Tensor& t, py::object dtype, py::object copy) -> py::object {
            check_not_symbolic(t, "Converting to a numpy array", "SymbolicTensorToNumpyError");
            py::object arr = to_numpy(t);
            if (!dtype.is_none()) arr = arr.attr("astype")(dtype);
            else if (!copy.is_none() && copy.cast<bool>()) arr = arr.attr("copy")();
            return arr;
          },
          py::arg("dtype") = py::none(), py::arg("copy") = py::none())
      .def_buffer([](const Tensor& t_in) {
        check_not_symbolic(t_in, "Converting to a numpy array", "SymbolicTensorToNumpyError");
        const Tensor t = ops::to_host(t_in);
        // numpy then reads bfloat16 through __array__ (ml_dtypes' type has no buffer format).
        if (t.dtype() == DType::BFloat16) throw TypeError("a bfloat16 tensor has no buffer format; use t.numpy()");
        std::vector<ssize_t> shape(t.shape().begin(), t.shape().end());
        std::vector<ssize_t> strides(t.ndim());
        for (int64_t i = 0; i < t.ndim(); ++i) strides[i] = t.strides()[i] * static_cast<ssize_t>(t.itemsize());
        return py::buffer_info(t.raw_data(), static_cast<ssize_t>(t.itemsize()), buffer_format(t.dtype()),
                               t.ndim(), shape, strides, /*readonly=*/true);
      })
      .def(
          "__dlpack__",
          [](const Tensor& t, py::object stream, py::object max_version, py::object dl_device, py::object copy) {
            (void)stream; (void)dl_device;
            bool versioned = accepts_versioned(max_version);
            if (!copy.is_none() && copy.cast<bool>()) {  // a fresh buffer the consumer may write to
              Tensor fresh = Tensor::empty(t.shape(), t.dtype());
              ops::copy_into(fresh, t);
              return to_dlpack(fresh, versioned, dlpack::kFlagIsCopied);
            }
            // A view of an immutable tensor: read-only wherever the consumer can be told (DLPack 1.0).
            return to_dlpack(t, versioned, dlpack::kFlagReadOnly);
          },
          py::kw_only(), py::arg("stream") = py::none(), py::arg("max_version") = py::none(),
          py::arg("dl_device") = py::none(), py::arg("copy") = py::none())
      .def("__dlpack_device__", [](const Tensor& t) {
        return py::make_tuple(t.device() == Device::CPU ? int(dlpack::kDLCPU) : int(dlpack::kDLCUDA), 0);
      })
      .def("__setitem__",
           [](const Tensor&, py::handle, py::handle) {
             throw TypeError("'Tensor' object does not support item assignment: tensors are immutable. "
                             "Use a pt.Variable and v[...].assign(value)");
           })
      .def("__bool__", [](const Tensor& t) {
        check_not_symbolic(t, "Using as a Python bool");
        return item(t, "__bool__").cast<bool>() ? true : false;
      })
      .def("__float__", [](const Tensor& t) {
        check_not_symbolic(t, "float()");
        return py::float_(item(t, "__float__"));
      })
      .def("__int__", [](const Tensor& t) {
        check_not_symbolic(t, "int()");
        return py::int_(item(t, "__int__"));
      })
      .def("__index__", [](const Tensor& t) {
        check_not_symbolic(t, "Using as a Python index");
        if (!is_integer(t.dtype())) throw TypeError("only integer scalar tensors can be used as an index");
        return py::int_(item(t, "__index__"));
      })
      .def("item", [](const Tensor& t) {
        check_not_symbolic(t, "item()");
        return item(t, "item");
      })
      .def_property_readonly("device", [](const Tensor& t) { return tf_device_name(t.device()); })
      .def("_data_ptr", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.raw_data()); })
      .def("_is_contiguous", &Tensor::is_contiguous)
      .def("_shares_storage", &Tensor::shares_storage)
      .def("_strides", [](const Tensor& t) { return t.strides(); })
      .def_property_readonly("_id", [](const Tensor& t) { return reinterpret_cast<uintptr_t>(t.id()); });
  bind_operators(tensor);
  install_number_slots(g_tensor_type);
  install_getters(g_tensor_type);

  py::class_<Variable> var(m, "Variable", R"doc(Variable(initial_value, trainable=True, name='Variable', dtype=None)

A tensor whose value changes through assign, assign_add and assign_sub, as tf.Variable. Used wherever a
tensor is (operators, ops); GradientTape watches trainable variables on access.

Args:
    initial_value: the first value: a tensor, number, (nested) list or numpy array.
    trainable: whether GradientTape watches it automatically and Keras trains it.
    name: the variable's name (v.name adds TF's ":0").
    dtype: converts initial_value to this dtype if given.

Example:
    >>> v = pt.Variable([1.0, 2.0])
    >>> v.assign_add([0.5, 0.5]).numpy()
)doc", py::dynamic_attr());
  g_variable_type = reinterpret_cast<PyTypeObject*>(var.ptr());
  var.def(py::init([](py::handle initial_value, bool trainable, std::string name, py::handle dtype) {
            return std::make_unique<Variable>(to_tensor_cast(initial_value, optional_dtype(dtype), "Variable"),
                                              std::move(name), trainable);
          }),
          py::arg("initial_value"), py::arg("trainable") = true, py::arg("name") = "Variable",
          py::arg("dtype") = py::none())
      .def("read_value", &Variable::read, "read_value()\n\nThe current value as an immutable Tensor.")
      .def("value", &Variable::read, "value()\n\nThe current value as an immutable Tensor.")
      .def("_assign", [](Variable& v, py::handle value) { v.assign(to_tensor(value, v.dtype(), "Variable.assign")); })
      .def("_assign_add",
           [](Variable& v, py::handle value) {
             v.assign(ops::binary(OpId::add, v.read(), to_tensor(value, v.dtype(), "Variable.assign_add")));
           })
      .def("_assign_sub",
           [](Variable& v, py::handle value) {
             v.assign(ops::binary(OpId::subtract, v.read(), to_tensor(value, v.dtype(), "Variable.assign_sub")));
           })
      .def("_assign_slice",
           [](Variable& v, py::handle key, py::handle value) {
             std::vector<ops::IndexItem> items;
             if (!parse_basic_index(key, items))
               throw TypeError("Variable slice assignment supports ints, slices, ... and newaxis only");
             Tensor val = to_tensor(value, v.dtype(), "Variable.assign");
             v.assign_view(val, [&](const Tensor& storage) { return ops::strided_slice(storage, items); });
           })
      .def_property_readonly("_variable_name", &Variable::name)
      .def_property("trainable", &Variable::trainable, &Variable::set_trainable)
      // Through a read: a tape that watches accessed variables sees the access.
      .def_property_readonly("dtype", [](py::handle self) { return dtype_object(self_tensor(self).dtype()); })
      .def_property_readonly("shape", [](py::handle self) { return tensor_shape_object(self_tensor(self).shape()); })
      .def("numpy", [](const Variable& v) { return to_numpy(ops::contiguous(ops::cast(v.read(), v.dtype())))
                                                  .attr("copy")(); },
           "numpy() -> np.ndarray\n\nA writeable copy of the current value (later assigns do not change it).")
      .def("__array__",
           [](const Variable& v, py::object dtype, py::object copy) -> py::object {
             (void)copy;
             py::object arr = to_numpy(v.read()).attr("copy")();
             if (!dtype.is_none()) arr = arr.attr("astype")(dtype);
             return arr;
           },
           py::arg("dtype") = py::none(), py::arg("copy") = py::none())
      .def("__bool__", [](const Variable& v) { return item(v.read(), "__bool__").cast<bool>(); })
      .def("__float__", [](const Variable& v) { return py::float_(item(v.read(), "__float__")); })
      .def("__int__", [](const Variable& v) { return py::int_(item(v.read(), "__int__")); })
      .def_property_readonly("_id", [](const Variable& v) { return reinterpret_cast<uintptr_t>(&v); });
  bind_operators(var);

  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  m.def("from_dlpack", &from_dlpack, py::arg("obj"),
        "from_dlpack(obj)\n\nWraps a DLPack capsule or an object with __dlpack__ (a numpy array, a torch tensor) as a "
        "Tensor without copying.");
  m.def("to_dlpack", [](const Tensor& t) { return to_dlpack(t); }, py::arg("tensor"),
        "to_dlpack(tensor)\n\nA legacy DLPack capsule viewing the tensor's memory (tensor.__dlpack__() gives a "
        "read-only DLPack 1.0 one to consumers that ask for it).");
  m.def("constant",
        [](py::handle value, py::handle dtype, py::handle shape) {
          std::optional<DType> dt = optional_dtype(dtype);
          Tensor t = to_tensor_cast(value, dt, "constant");
          if (shape.is_none()) return t;
          Shape s = shape_from_py(shape, "constant");
          if (t.numel() == numel(s)) return ops::reshape(t, s);
          if (t.numel() == 1) return ops::contiguous(ops::broadcast_to(ops::reshape(t, {}), s));
          throw InvalidArgument(str_cat("constant: value has ", t.numel(), " elements, which cannot fill shape ",
                                        shape_str(s), "; give one value or exactly ", numel(s)));
        },
        py::arg("value"), py::arg("dtype") = py::none(), py::arg("shape") = py::none(), op_doc("constant"));
  m.def("convert_to_tensor",
        [](py::handle value, py::handle dtype, py::handle dtype_hint) {
          std::optional<DType> dt = optional_dtype(dtype);
          if (dt) return to_tensor(value, dt, "convert_to_tensor");
          std::optional<DType> hint = optional_dtype(dtype_hint);
          if (hint && !is_tensor_like(value)) {
            try {
              return to_tensor(value, hint, "convert_to_tensor");
            } catch (const TypeError&) {
              return to_tensor(value, std::nullopt, "convert_to_tensor");
            }
          }
          return to_tensor(value, std::nullopt, "convert_to_tensor");
        },
        py::arg("value"), py::arg("dtype") = py::none(), py::arg("dtype_hint") = py::none(),
        op_doc("convert_to_tensor"));
}

}  // namespace pt::bind
