#include "app/cli.h"

int main(int argc, char** argv) {
  return lucas::app::run_cli(argc, argv);
}
