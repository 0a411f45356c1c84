#pragma once
/** Docstrings for the bound functions, composed from the op documentation table (ops/op_docs.h). */
#include <string>
#include <string_view>
#include <unordered_map>

#include "../ops/op_docs.h"

namespace pt::bind {

/**
 * The docstring of the function exported as `name`: signature, summary, notes, Args, Example. Bind such functions
 * under `py::options` with function signatures disabled, so the table's signature is the first line.
 * Returns "" for a name the table lacks (tests/test_docstrings.py reports it).
 */
inline const char* op_doc(std::string_view name) {
  static const std::unordered_map<std::string_view, std::string> docs = [] {
    std::unordered_map<std::string_view, std::string> out;
    for (const OpDoc& d : kOpDocs) {
      std::string args = d.args;
      if (std::string_view(d.signature).find("name=None") != std::string_view::npos)
        args += std::string(args.empty() ? "" : "\n") + "name: accepted for TensorFlow compatibility; ignored.";
      std::string text = std::string(d.signature) + "\n\n" + d.summary + "\n\n";
      if (d.notes) text += std::string(d.notes) + "\n\n";
      text += "Args:\n";
      size_t start = 0;
      while (start < args.size()) {  // indent each argument line
        size_t end = args.find('\n', start);
        if (end == std::string::npos) end = args.size();
        text += "    " + args.substr(start, end - start) + "\n";
        start = end + 1;
      }
      text += "\nExample:\n    >>> " + std::string(d.example) + "\n";
      out.emplace(d.name, std::move(text));
    }
    return out;
  }();
  auto it = docs.find(name);
  return it == docs.end() ? "" : it->second.c_str();
}

}  // namespace pt::bind
