#pragma once

namespace lucas::app {

// Parses the command line and runs the command. Exit codes: 0 success, 1 the command failed
// (for example `ledger check` found a problem), 2 bad usage or configuration.
int run_cli(int argc, char** argv);

}  // namespace lucas::app
