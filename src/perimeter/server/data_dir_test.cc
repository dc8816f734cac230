#include "perimeter/server/data_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"

namespace perimeter::server {
namespace {

// A directory of its own for each test, removed at the end.
class DataDirTest : public testing::Test {
 protected:
  static unsigned Mode(const std::filesystem::path& path) {
    struct stat info {};
    stat(path.c_str(), &info);
    return info.st_mode & 0777;
  }

  perimeter_testing::ScopedTempDir temp_;
  const std::filesystem::path root_ = temp_.path();
};

TEST_F(DataDirTest, SecondLockOnTheSameDirectoryIsRefusedUntilTheFirstIsReleased) {
  std::string dir = (root_ / "data").string();
  {
    absl::StatusOr<DataDirLock> first = OpenDataDir(dir);
    ASSERT_THAT(first, perimeter_testing::IsOk());
    EXPECT_THAT(OpenDataDir(dir),
                perimeter_testing::StatusIs(
                    absl::StatusCode::kFailedPrecondition,
                    "in use by another perimeter serve (pid " + std::to_string(getpid())));
  }
  EXPECT_TRUE(OpenDataDir(dir).ok()) << "released with its holder";
}

TEST_F(DataDirTest, TightensModesLeftOpenByAnEarlierVersion) {
  std::filesystem::path dir = root_ / "data";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "perimeter.db") << "x";
  chmod((dir / "perimeter.db").c_str(), 0644);
  ASSERT_TRUE(OpenDataDir(dir.string()).ok());
  EXPECT_EQ(Mode(dir / "perimeter.db"), 0600u);
  EXPECT_EQ(Mode(dir / "perimeter.lock"), 0600u);
}

TEST_F(DataDirTest, DemoKeysAreRandomWrittenOwnerOnlyAndReadBack) {
  std::string path = (root_ / "credentials").string();
  ServerConfig first = DemoConfig();
  ASSERT_TRUE(LoadOrCreateDemoKeys(first, path).ok());
  EXPECT_EQ(Mode(path), 0600u);
  ServerConfig fixed = DemoConfig();
  ASSERT_EQ(first.credentials.size(), fixed.credentials.size());
  std::set<std::string> secrets;
  for (size_t i = 0; i < first.credentials.size(); ++i) {
    EXPECT_TRUE(first.credentials[i].access_key_id.starts_with("AKIA"));
    EXPECT_EQ(first.credentials[i].access_key_id.size(), 20u);
    EXPECT_EQ(first.credentials[i].secret_access_key.size(), 40u);
    EXPECT_EQ(first.credentials[i].account_id, fixed.credentials[i].account_id);
    secrets.insert(first.credentials[i].secret_access_key);
  }
  EXPECT_EQ(secrets.size(), first.credentials.size());
  ServerConfig again = DemoConfig();
  ASSERT_TRUE(LoadOrCreateDemoKeys(again, path).ok());
  for (size_t i = 0; i < again.credentials.size(); ++i) {
    EXPECT_EQ(again.credentials[i].access_key_id, first.credentials[i].access_key_id);
    EXPECT_EQ(again.credentials[i].secret_access_key, first.credentials[i].secret_access_key);
  }
  ServerConfig other = DemoConfig();
  ASSERT_TRUE(LoadOrCreateDemoKeys(other, "").ok()) << "ephemeral: new keys, nothing written";
  EXPECT_NE(other.credentials[0].secret_access_key, first.credentials[0].secret_access_key);
}

TEST_F(DataDirTest, CredentialsFileWithoutAProfileIsAnError) {
  std::string path = (root_ / "credentials").string();
  std::ofstream(path) << "[Mgmt]\naws_access_key_id = AKIA\naws_secret_access_key = s\n";
  ServerConfig config = DemoConfig();
  absl::Status status = LoadOrCreateDemoKeys(config, path);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("no keys for profile [Security]"), std::string::npos) << status;
}

}  // namespace
}  // namespace perimeter::server
