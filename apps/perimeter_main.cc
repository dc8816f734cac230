// The `perimeter` executable: everything lives in perimeter_cli so that tests can drive it.
#include <unistd.h>

#include <iostream>

#include "perimeter/cli/app.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  perimeter::cli::Terminals terminals{isatty(STDOUT_FILENO) == 1, isatty(STDERR_FILENO) == 1};
  return perimeter::cli::RunApp(argc, argv, std::cin, std::cout, std::cerr, terminals);
}
