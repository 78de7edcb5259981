// `lucas parser ...` and `lucas parse`: the commands of the AI message parser. Each returns the
// process exit code (0 ok, 1 failed, 2 bad usage or input) and prints its own messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/config.h"
#include "features/parser/models.h"

namespace lucas::app::parser_cli {

struct TrainArgs {
  uint64_t seed = parser::models::default_request().seed;
  int messages = parser::models::default_request().synthetic;
  int epochs = parser::models::default_request().options.epoch;
  int bucket = parser::models::default_request().options.bucket;
  int dim = parser::models::default_request().options.dim;
  std::string extra;  // optional labelled JSONL (real data) to train on too
  bool corrections = true;
  bool activate = true;
  std::optional<double> canary;  // instead of activating: a candidate for this share
};

int train(const Config& config, const TrainArgs& args);
int eval(const Config& config, const std::string& data, const std::string& model, bool json);
int status(const Config& config);
int canary(const Config& config, int version, double share);
int promote(const Config& config);
int rollback(const Config& config);
int drift(const Config& config, int history = 0);
int generate(uint64_t seed, int count, const std::string& output);
int parse(const Config& config, const std::string& input);

}  // namespace lucas::app::parser_cli
