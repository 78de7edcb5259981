// The module contract: what a feature declares so the platform can wire it — its migrations, the
// services it provides, its REST routes, its bot commands (who may use them, where, ru/en help),
// its jobs, its event subscriptions and its CLI subcommands. A feature folder exposes one
// `register_module(module::Module&)`; app/ keeps the list of registrations and wires them all
// (app/modules.cpp). Declarations need no running platform: the CLI, the help test and the docs
// read them before (or without) building anything; the closures get the Services when they run.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/config.h"
#include "infra/events/outbox.h"
#include "infra/http/http.h"
#include "infra/jobs/jobs.h"
#include "infra/module/services.h"
#include "infra/store/migrate.h"
#include "infra/telegram/commands.h"

namespace lucas::module {

using telegram::CommandCall;
using telegram::Where;
using telegram::Who;

// A bot command as a module declares it (telegram::Command, with the services).
struct BotCommand {
  std::string name;      // "top": answers /top and /top@ourbot (lower case, no slash)
  std::string help_key;  // the catalogue key of its /help line, in ru.json and en.json
  Who who = Who::kEveryone;
  Where where = Where::kAnywhere;
  // The reply (a text, and optionally an inline keyboard of commands). A lucas::Error becomes
  // the bot's localized error reply.
  std::function<telegram::Reply(Services&, const CommandCall&)> run;
  telegram::RateClass rate = telegram::RateClass::kNormal;
};

// A reply trigger as a module declares it (telegram::Trigger, with the services).
struct Trigger {
  std::string name;
  std::string help_key;  // its /help line
  std::function<bool(const std::string& first_word, const std::string& rest)> matches;
  std::function<std::string(Services&, const telegram::Message&, const CommandCall&)> run;
  telegram::RateClass rate = telegram::RateClass::kNormal;
};

struct Job {
  std::string name;  // "<module>.<what>", as `lucas jobs list` shows it
  jobs::Schedule schedule;
  std::function<void(Services&, const jobs::Run&)> run;
};

struct Subscription {
  std::string topic;
  bool everywhere = false;  // on every node (events::Outbox::subscribe_everywhere), else once
  std::function<void(Services&, const events::Event&)> run;
};

// A CLI subcommand, declared without CLI11: `lucas <path...> [--option value]...`. Its run gets
// the options as text (CliRun reads them as numbers, flags, times) and opens the platform only
// when it needs it; bad values are INVALID_ARGUMENT, which the console reports as bad usage (2).
struct CliOption {
  CliOption(std::string option_name, std::string text, bool is_required = false,
            std::string default_value = "")
      : name(std::move(option_name)),
        description(std::move(text)),
        required(is_required),
        fallback(std::move(default_value)) {}
  // A flag: takes no value.
  CliOption& as_flag() {
    flag = true;
    return *this;
  }
  CliOption& allowed(std::vector<std::string> values) {
    one_of = std::move(values);
    return *this;
  }
  CliOption& must_exist() {
    existing_file = true;
    return *this;
  }

  std::string name;  // "--text"; a name without dashes ("id") is positional
  std::string description;
  bool required = false;
  std::string fallback;             // when not required and not given
  bool flag = false;                // takes no value: "true" when given, "" when not
  std::vector<std::string> one_of;  // the allowed values, when only some are
  bool existing_file = false;       // the value names a file that must exist
};
class CliRun {
 public:
  CliRun(const Config& config, std::map<std::string, std::string> values,
         std::set<std::string> given, std::function<Services&()> open)
      : config_(config),
        values_(std::move(values)),
        given_(std::move(given)),
        open_(std::move(open)) {}
  // The configuration (flags, environment, file), before anything is opened.
  const Config& config() const { return config_; }
  // An option's value (its fallback when not given).
  const std::string& option(const std::string& name) const;
  // Whether the option was on the command line; for a flag, whether it is set.
  bool given(const std::string& name) const { return given_.count(name) > 0; }
  bool flag(const std::string& name) const { return given(name); }
  // The option as an integer in [min, max]; INVALID_ARGUMENT naming it otherwise.
  int64_t integer(const std::string& name, int64_t min = INT64_MIN, int64_t max = INT64_MAX) const;
  // The option as a decimal number in [min, max]; INVALID_ARGUMENT naming it otherwise.
  double number(const std::string& name, double min, double max) const;
  // The option as a time (2026-12-31 or RFC 3339 UTC); nullopt when empty; INVALID_ARGUMENT when
  // it is neither.
  std::optional<Micros> time(const std::string& name) const;
  // The platform, built from the configuration and migrated (once; the one place a console
  // command opens it).
  Services& open() const { return open_(); }

 private:
  const Config& config_;
  std::map<std::string, std::string> values_;
  std::set<std::string> given_;
  std::function<Services&()> open_;
};
struct CliCommand {
  std::vector<std::string> path;  // {"echo", "say"}: `lucas echo say`
  std::string description;
  std::vector<CliOption> options;
  std::function<int(const CliRun&)> run;  // the exit code (0 ok, 1 failed, 2 bad usage)
};
// A command group's line in `lucas --help` ({"backup"}: "encrypted, verified backups").
struct CliGroup {
  std::vector<std::string> path;
  std::string description;
};

class Module {
 public:
  explicit Module(std::string name) : name_(std::move(name)) {}

  Module& migrations(std::function<store::MigrationSet()> set);
  // Builds the module's services into the registry (modules are provided in list order).
  Module& provide(std::function<void(Services&)> fn);
  Module& routes(std::function<void(http::Router&, Services&)> fn);
  Module& command(BotCommand command);
  Module& job(Job job);
  Module& subscribe(Subscription subscription);
  Module& cli(CliCommand command);
  Module& cli_group(CliGroup group);
  Module& trigger(Trigger trigger);
  // An API document of the module: a fragment of the OpenAPI document describing its routes
  // (infra/http/openapi.h), usually its embedded <name>_api.json (http::api_document(name)). A
  // module may declare several (one per part); each adds to the others.
  Module& api(std::string json_text);

  const std::string& name() const { return name_; }
  const std::function<store::MigrationSet()>& migration_set() const { return migrations_; }
  const std::function<void(Services&)>& provider() const { return provide_; }
  const std::vector<std::function<void(http::Router&, Services&)>>& route_sets() const {
    return routes_;
  }
  const std::vector<BotCommand>& commands() const { return commands_; }
  const std::vector<Job>& jobs() const { return jobs_; }
  const std::vector<Subscription>& subscriptions() const { return subscriptions_; }
  const std::vector<CliCommand>& cli_commands() const { return cli_; }
  const std::vector<CliGroup>& cli_groups() const { return cli_groups_; }
  const std::vector<Trigger>& triggers() const { return triggers_; }
  // Its API documents, in the order declared (a module may describe its parts in several).
  const std::vector<std::string>& api_texts() const { return api_; }

 private:
  std::string name_;
  std::function<store::MigrationSet()> migrations_;
  std::function<void(Services&)> provide_;
  std::vector<std::function<void(http::Router&, Services&)>> routes_;
  std::vector<BotCommand> commands_;
  std::vector<Job> jobs_;
  std::vector<Subscription> subscriptions_;
  std::vector<CliCommand> cli_;
  std::vector<CliGroup> cli_groups_;
  std::vector<Trigger> triggers_;
  std::vector<std::string> api_;
};

// A feature's registration hook: `void register_module(module::Module&)`.
using Registration = void (*)(Module&);

// Builds each module from its registration (declarations only). INTERNAL when two modules share a
// name or a bot command, or a command lacks its name, help key or handler.
std::vector<Module> declare(const std::vector<std::pair<std::string, Registration>>& list);

// Adds the module's jobs to `scheduler`; each runs with `services` (which must outlive it).
void add_jobs(const Module& module, jobs::Scheduler& scheduler, Services& services);
// Every module's bot commands and triggers, bound to `services` (which must outlive them), in
// module order: what the Telegram front door routes to.
std::vector<telegram::Command> bot_commands(const std::vector<Module>& modules, Services& services);
std::vector<telegram::Trigger> bot_triggers(const std::vector<Module>& modules, Services& services);

}  // namespace lucas::module
