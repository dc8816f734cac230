#include "perimeter/server/data_dir.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "perimeter/aws/client/credentials.h"
#include "perimeter/base/text.h"

namespace perimeter::server {

namespace {

constexpr const char* kLockFile = "perimeter.lock";
// The files Perimeter keeps in a data directory that hold data or secrets.
constexpr const char* kPrivateFiles[] = {"perimeter.db", "perimeter.db-wal", "perimeter.db-shm",
                                         "credentials", kLockFile};

std::string Errno() { return std::strerror(errno); }

// `size` characters of `alphabet`, drawn from the OS's random generator. Rejection sampling keeps
// every character equally likely.
absl::StatusOr<std::string> RandomText(std::string_view alphabet, size_t size) {
  std::string out;
  const unsigned limit = 256 - 256 % alphabet.size();
  while (out.size() < size) {
    unsigned char bytes[64];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1)
      return absl::InternalError("the OS random generator failed");
    for (unsigned char byte : bytes) {
      if (byte < limit && out.size() < size) out.push_back(alphabet[byte % alphabet.size()]);
    }
  }
  return out;
}

std::string ProfileOf(const ServerConfig& config, const aws::sigv4::Credential& credential) {
  for (const service::Account& account : config.accounts) {
    if (account.id == credential.account_id && !account.name.empty()) return account.name;
  }
  return credential.account_id;
}

}  // namespace

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) close(fd_);
}

void SetOwnerOnlyUmask() { umask(077); }

absl::StatusOr<DataDirLock> OpenDataDir(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) {
    return absl::UnavailableError(
        base::Concat("cannot create the data directory ", path, ": ", error.message()));
  }
  for (const char* name : kPrivateFiles) {
    std::string file = (std::filesystem::path(path) / name).string();
    if (chmod(file.c_str(), 0600) != 0 && errno != ENOENT) {
      return absl::UnavailableError(base::Concat("cannot make ", file, " owner-only: ", Errno()));
    }
  }
  std::string lock_path = (std::filesystem::path(path) / kLockFile).string();
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(base::Concat("cannot open ", lock_path, ": ", Errno()));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int lock_errno = errno;
    char holder[32] = {};
    ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
    close(fd);
    std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    if (pid.empty()) pid = "unknown";
    if (lock_errno == EWOULDBLOCK) {
      return absl::FailedPreconditionError(
          base::Concat("the data directory ", path, " is in use by another perimeter serve (pid ",
                       pid, "; lock file ", lock_path, "); stop it or choose another --data-dir"));
    }
    return absl::UnavailableError(
        base::Concat("cannot lock ", lock_path, ": ", std::strerror(lock_errno)));
  }
  std::string pid = base::Concat(static_cast<long>(getpid()), "\n");
  if (ftruncate(fd, 0) != 0 ||
      pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    close(fd);
    return absl::UnavailableError(base::Concat("cannot write ", lock_path, ": ", Errno()));
  }
  return DataDirLock(fd);
}

absl::Status LoadOrCreateDemoKeys(ServerConfig& config, const std::string& credentials_path) {
  if (!credentials_path.empty() && std::filesystem::exists(credentials_path)) {
    std::ifstream file(credentials_path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    if (!file)
      return absl::InvalidArgumentError(base::Concat(credentials_path, ": cannot read the file"));
    absl::StatusOr<aws::IniFile> ini = aws::ParseIni(text.str(), credentials_path);
    if (!ini.ok()) return ini.status();
    for (aws::sigv4::Credential& credential : config.credentials) {
      std::string profile = ProfileOf(config, credential);
      auto section = ini->find(profile);
      auto key = section == ini->end() ? std::map<std::string, std::string>::const_iterator()
                                       : section->second.find("aws_access_key_id");
      auto secret = section == ini->end() ? std::map<std::string, std::string>::const_iterator()
                                          : section->second.find("aws_secret_access_key");
      if (section == ini->end() || key == section->second.end() ||
          secret == section->second.end() || key->second.empty() || secret->second.empty()) {
        return absl::InvalidArgumentError(
            base::Concat(credentials_path, ": no keys for profile [", profile,
                         "]; delete the file to have new demo keys made"));
      }
      credential.access_key_id = key->second;
      credential.secret_access_key = secret->second;
    }
    return absl::OkStatus();
  }
  // Access key ids look like AWS's (AKIA and 16 base-32 characters); secrets have AWS's 40
  // characters.
  for (aws::sigv4::Credential& credential : config.credentials) {
    absl::StatusOr<std::string> key = RandomText("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    absl::StatusOr<std::string> secret =
        RandomText("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
    if (!key.ok()) return key.status();
    if (!secret.ok()) return secret.status();
    credential.access_key_id = "AKIA" + *key;
    credential.secret_access_key = *secret;
  }
  if (credentials_path.empty()) return absl::OkStatus();
  int fd = open(credentials_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return absl::UnavailableError(base::Concat("cannot create ", credentials_path, ": ", Errno()));
  std::string text = CredentialsFile(config);
  bool written =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  close(fd);
  if (!written)
    return absl::UnavailableError(base::Concat("cannot write ", credentials_path, ": ", Errno()));
  return absl::OkStatus();
}

}  // namespace perimeter::server
