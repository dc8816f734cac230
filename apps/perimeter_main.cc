// The `perimeter` executable: everything lives in perimeter_cli so that tests can drive it.
#include <iostream>

#include "perimeter/cli/app.h"

int main(int argc, char** argv) { return perimeter::cli::RunApp(argc, argv, std::cin, std::cout, std::cerr); }
