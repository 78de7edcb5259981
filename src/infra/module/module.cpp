#include "infra/module/module.h"

#include <fmt/format.h>

#include <charconv>
#include <set>

#include "base/time_arg.h"

namespace lucas::module {

const std::string& CliRun::option(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) {
    throw Error(ErrorCode::kInternal, "the CLI command declared no option " + name);
  }
  return it->second;
}

int64_t CliRun::integer(const std::string& name, int64_t min, int64_t max) const {
  const std::string& text = option(name);
  int64_t out = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || out < min ||
      out > max) {
    const bool any = min == INT64_MIN && max == INT64_MAX;
    throw Error(ErrorCode::kInvalidArgument,
                name + " must be an integer" +
                    (any ? "" : " between " + std::to_string(min) + " and " + std::to_string(max)),
                {{name, text.substr(0, 64)}});
  }
  return out;
}

double CliRun::number(const std::string& name, double min, double max) const {
  const std::string& text = option(name);
  double out = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || !(out >= min) ||
      !(out <= max)) {
    throw Error(ErrorCode::kInvalidArgument,
                name + " must be a number between " + fmt::format("{}", min) + " and " +
                    fmt::format("{}", max),
                {{name, text.substr(0, 64)}});
  }
  return out;
}

std::optional<Micros> CliRun::time(const std::string& name) const {
  return time_argument(name, option(name));
}

Module& Module::migrations(std::function<store::MigrationSet()> set) {
  migrations_ = std::move(set);
  return *this;
}
Module& Module::provide(std::function<void(Services&)> fn) {
  if (provide_) {
    // A second provider would silently replace the first and its services would be missing.
    throw Error(ErrorCode::kInternal,
                "module " + name_ + " declares provide() twice: put every service in one provider");
  }
  provide_ = std::move(fn);
  return *this;
}
Module& Module::routes(std::function<void(http::Router&, Services&)> fn) {
  routes_.push_back(std::move(fn));
  return *this;
}
Module& Module::command(BotCommand command) {
  commands_.push_back(std::move(command));
  return *this;
}
Module& Module::job(Job job) {
  jobs_.push_back(std::move(job));
  return *this;
}
Module& Module::subscribe(Subscription subscription) {
  subscriptions_.push_back(std::move(subscription));
  return *this;
}
Module& Module::cli(CliCommand command) {
  cli_.push_back(std::move(command));
  return *this;
}
Module& Module::cli_group(CliGroup group) {
  cli_groups_.push_back(std::move(group));
  return *this;
}
Module& Module::trigger(Trigger trigger) {
  triggers_.push_back(std::move(trigger));
  return *this;
}

Module& Module::api(std::string json_text) {
  api_.push_back(std::move(json_text));
  return *this;
}

std::vector<Module> declare(const std::vector<std::pair<std::string, Registration>>& list) {
  std::vector<Module> out;
  std::set<std::string> names, commands, jobs;
  for (const auto& [name, registration] : list) {
    if (!names.insert(name).second) {
      throw Error(ErrorCode::kInternal, "two modules are named " + name);
    }
    Module m(name);
    registration(m);
    for (const auto& c : m.commands()) {
      if (c.name.empty() || c.help_key.empty() || !c.run) {
        throw Error(ErrorCode::kInternal,
                    "module " + name + ": a bot command needs a name, a help key and a handler");
      }
      if (!commands.insert(c.name).second) {
        throw Error(ErrorCode::kInternal, "module " + name + ": /" + c.name + " is taken");
      }
    }
    for (const auto& j : m.jobs()) {
      if (!jobs.insert(j.name).second) {
        throw Error(ErrorCode::kInternal, "module " + name + ": job " + j.name + " is taken");
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

void add_jobs(const Module& module, jobs::Scheduler& scheduler, Services& services) {
  for (const auto& job : module.jobs()) {
    scheduler.add(job.name, job.schedule,
                  [&services, run = job.run](const jobs::Run& r) { run(services, r); });
  }
}

std::vector<telegram::Command> bot_commands(const std::vector<Module>& modules,
                                            Services& services) {
  std::vector<telegram::Command> out;
  for (const auto& m : modules) {
    for (const auto& c : m.commands()) {
      out.push_back(
          {c.name, c.help_key, c.who, c.where,
           [&services, run = c.run](const CommandCall& call) { return run(services, call); },
           c.rate});
    }
  }
  return out;
}

std::vector<telegram::Trigger> bot_triggers(const std::vector<Module>& modules,
                                            Services& services) {
  std::vector<telegram::Trigger> out;
  for (const auto& m : modules) {
    for (const auto& t : m.triggers()) {
      out.push_back(
          {t.name, t.help_key, t.matches,
           [&services, run = t.run](const telegram::Message& msg, const CommandCall& call) {
             return run(services, msg, call);
           },
           t.rate});
    }
  }
  return out;
}

}  // namespace lucas::module
