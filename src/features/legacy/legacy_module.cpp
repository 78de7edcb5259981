#include "features/legacy/legacy_module.h"

#include "features/legacy/legacy_import.h"

namespace lucas::legacy {

void register_module(module::Module& m) {
  m.migrations(migrations);
}

}  // namespace lucas::legacy
