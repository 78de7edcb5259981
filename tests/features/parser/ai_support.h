// The default model trained once per test binary (about three seconds under the sanitizers), in a
// temporary model directory that lives until the process ends.
#pragma once

#include <filesystem>
#include <string>

#include "base/clock.h"
#include "base/ids.h"
#include "features/parser/models.h"

namespace lucas::parser::testing {

struct TrainedModels {
  std::string dir;
  int first = 0;
  int second = 0;  // another seed: the hot-swap and canary tests switch between the two
};

inline const TrainedModels& trained_models() {
  static const TrainedModels m = [] {
    TrainedModels t;
    t.dir =
        (std::filesystem::temp_directory_path() / ("lucas-parser-test-" + random_hex(6))).string();
    const models::Registry registry(t.dir);
    ManualClock clock(1'767'225'600'000'000);
    auto req = models::default_request();
    t.first = models::train_version(registry, req, clock).manifest.version;
    req.seed = 2;
    t.second = models::train_version(registry, req, clock).manifest.version;
    registry.save_state(models::State{t.first, std::nullopt, 0});
    static const std::string* cleanup = new std::string(t.dir);  // outlives the statics
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(*cleanup, ec);
    });
    return t;
  }();
  return m;
}

// A private copy of the trained models (tests that damage files or switch versions).
inline std::string copy_models(const std::string& to) {
  std::filesystem::copy(trained_models().dir, to, std::filesystem::copy_options::recursive);
  return to;
}

inline std::string labeled_path() {
  if (const char* dir = std::getenv("LUCAS_SHARED_DATA")) {
    return std::string(dir) + "/game_messages/labeled.jsonl";
  }
  return std::string(LUCAS_SHARED_DATA_DIR) + "/game_messages/labeled.jsonl";
}

}  // namespace lucas::parser::testing
