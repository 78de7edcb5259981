#pragma once

#include "app/modules.h"

namespace lucas::app {

// Parses the command line and runs the command. Exit codes: 0 success, 1 the command failed
// (for example `ledger check` found a problem), 2 bad usage or configuration.
int run_cli(int argc, char** argv);
// The same with these modules instead of the default ones (tests add a module this way).
int run_cli(int argc, char** argv, const Registrations& registrations);

}  // namespace lucas::app
