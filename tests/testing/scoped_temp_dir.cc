#include "tests/testing/scoped_temp_dir.h"

#include <unistd.h>

#include <string>
#include <system_error>

#include "gtest/gtest.h"

namespace perimeter_testing {
namespace {

// "Suite.Name" of the running test, with the characters a parameterized name brings ('/') made safe
// for a file name; "no-test" outside a test (a global environment).
std::string RunningTestName() {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  if (info == nullptr) return "no-test";
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '-';
  }
  return name;
}

const std::filesystem::path& ProcessScratchPath() {
  static const std::filesystem::path* const path = new std::filesystem::path(
      std::filesystem::temp_directory_path() / ("perimeter-test-" + std::to_string(getpid())));
  return *path;
}

class RemoveProcessScratchDir : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(ProcessScratchPath(), ignored);
  }
};

// Registered before main() runs, as gtest requires of environments: this file is linked into every
// test that calls ProcessScratchDir() or uses ScopedTempDir.
[[maybe_unused]] ::testing::Environment* const kRemoveProcessScratchDir =
    ::testing::AddGlobalTestEnvironment(new RemoveProcessScratchDir);

}  // namespace

const std::filesystem::path& ProcessScratchDir() {
  std::error_code ignored;
  std::filesystem::create_directories(ProcessScratchPath(), ignored);
  return ProcessScratchPath();
}

ScopedTempDir::ScopedTempDir()
    : path_(std::filesystem::temp_directory_path() /
            ("perimeter-test-" + std::to_string(getpid()) + "-" + RunningTestName())) {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
  std::filesystem::create_directories(path_, error);
  if (error) ADD_FAILURE() << "cannot create " << path_ << ": " << error.message();
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace perimeter_testing
