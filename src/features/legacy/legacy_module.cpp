#include "features/legacy/legacy_module.h"

#include "features/legacy/legacy_cli.h"
#include "features/legacy/legacy_import.h"

namespace lucas::legacy {

void register_module(module::Module& m) {
  register_cli(m);
  m.migrations(migrations);
}

}  // namespace lucas::legacy
