#pragma once
/**
 * Docstrings for the bound functions: a registry op's from its row (defined in its family file), any other
 * function's from bindings/function_docs.h.
 */
#include <string>
#include <string_view>
#include <unordered_map>

#include "function_docs.h"

namespace pt::bind {

/** The public documentation of the function exported as `name` (a registry op or a kFunctionDocs row), or null. */
inline const OpDoc* public_doc(std::string_view name) {
  for (const OpDef& d : op_registry())
    if (name == d.name) return d.doc.args ? &d.doc : nullptr;
  for (const OpDoc& d : kFunctionDocs)
    if (name == d.name) return &d;
  return nullptr;
}

/** The documentation of internal registry op `name` (signature and summary, no TF name), or null. */
inline const OpDoc* internal_op_doc(std::string_view name) {
  for (const OpDef& d : op_registry())
    if (name == d.name) return d.doc.signature && !d.doc.args ? &d.doc : nullptr;
  return nullptr;
}

/**
 * The docstring of the function exported as `name`: signature, summary, notes, Args, Example. Bind such functions
 * under `py::options` with function signatures disabled, so the signature is the first line.
 * Returns "" for a name without public documentation (tests/test_docstrings.py reports it).
 */
inline const char* op_doc(std::string_view name) {
  static std::unordered_map<std::string_view, std::string> docs;
  if (auto it = docs.find(name); it != docs.end()) return it->second.c_str();
  const OpDoc* d = public_doc(name);
  if (!d) return "";
  std::string args = d->args;
  if (std::string_view(d->signature).find("name=None") != std::string_view::npos)
    args += std::string(args.empty() ? "" : "\n") + "name: accepted for TensorFlow compatibility; ignored.";
  std::string text = std::string(d->signature) + "\n\n" + d->summary + "\n\n";
  if (d->notes) text += std::string(d->notes) + "\n\n";
  text += "Args:\n";
  size_t start = 0;
  while (start < args.size()) {  // indent each argument line
    size_t end = args.find('\n', start);
    if (end == std::string::npos) end = args.size();
    text += "    " + args.substr(start, end - start) + "\n";
    start = end + 1;
  }
  text += "\nExample:\n    >>> " + std::string(d->example) + "\n";
  return docs.emplace(d->name, std::move(text)).first->second.c_str();
}

}  // namespace pt::bind
