// The platform's own console commands, declared through the module contract like a feature's:
// each group in its file, all registered by the "console" module (app/modules.cpp). Their runs
// reach the composition root (App) through the Services; features declare theirs in their own
// <feature>_cli.cpp.
#pragma once

#include "infra/module/module.h"

namespace lucas::app {

void register_console(module::Module& m);

void register_ops_cli(module::Module& m);     // ledger check, jobs, outbox, telegram
void register_audit_cli(module::Module& m);   // audit verify|search|export|keygen|checkpoint
void register_backup_cli(module::Module& m);  // backup ..., db copy
void register_bot_cli(module::Module& m);     // bot set-webhook|delete-webhook|set-commands
void register_parser_cli(module::Module& m);  // parse, parser ... (app/parser_cli.cpp)

}  // namespace lucas::app
