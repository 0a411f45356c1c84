#include "op_list.h"

namespace pt {

std::vector<OpDef>& op_registry() {
  static std::vector<OpDef> table = {
#define PT_OP_ROW(name, family, n, diff) {#name, #family, n, diff, nullptr},
      PT_OP_LIST(PT_OP_ROW)
#undef PT_OP_ROW
  };
  return table;
}

}  // namespace pt
