#include "op_list.h"

#include "attrs.h"

namespace pt {

namespace {
/** The index of alternative T in the Attrs variant. */
template <class T, size_t I = 0>
constexpr size_t attrs_index() {
  if constexpr (std::is_same_v<std::variant_alternative_t<I, Attrs>, T>) return I;
  else return attrs_index<T, I + 1>();
}
}  // namespace

std::vector<OpDef>& op_registry() {
  static std::vector<OpDef> table = {
#define PT_OP_ROW(name, family, n, diff, attr) \
  {#name, #family, n, diff, nullptr, #attr, attrs_index<attrs::attr>(), nullptr, {#name}, ""},
      PT_OP_LIST(PT_OP_ROW)
#undef PT_OP_ROW
  };
  return table;
}

}  // namespace pt
