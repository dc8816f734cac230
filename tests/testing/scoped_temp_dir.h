// A directory of its own for one test, removed with everything in it when the object goes out of
// scope (the test passed or not). Its name holds the process id and the running test's name, so
// tests that CTest runs in parallel processes never share one.
//
//   ScopedTempDir dir;
//   std::ofstream(dir.path() / "config.toml") << text;
#ifndef PERIMETER_TESTS_TESTING_SCOPED_TEMP_DIR_H_
#define PERIMETER_TESTS_TESTING_SCOPED_TEMP_DIR_H_

#include <filesystem>

namespace perimeter_testing {

class ScopedTempDir {
 public:
  // Creates an empty directory under the system's temporary directory; a leftover of an earlier run
  // with the same name is removed first. Records a test failure if it cannot be made.
  ScopedTempDir();
  ~ScopedTempDir();

  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One directory for the whole test process, for tests that write files used across a test's
// helpers: under the system's temporary directory, named after the process id (CTest runs tests in
// parallel processes), created on first use and removed with its contents when the tests end,
// failed or not (a gtest Environment). Prefer ScopedTempDir, which is removed at the end of each
// test.
const std::filesystem::path& ProcessScratchDir();

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_SCOPED_TEMP_DIR_H_
